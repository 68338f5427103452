namespace TorchModel.Internal;

// Port check errors (issue #19).
internal static partial class Throw
{
    public static ArgumentException NotCallable(string className, int arity, string paramName)
        => new($"{className} cannot be called with {arity} input(s): CaptureOutputs runs a module's call(...) (the forward "
             + $"with hooks), and {className} has no public call method taking {arity} argument(s).", paramName);

    public static ArgumentException InputTypeMismatch(string className, int index, string given, string expected, string paramName)
        => new($"Input {index} of {className}.call is a {given}, but the forward takes a {expected} there.", paramName);

    public static ArgumentException NoCapturePatterns(string paramName)
        => new("No pattern selects a module to capture; give at least one (\"**\" captures every module).", paramName);

    public static InvalidOperationException CaptureNameCollision(string name)
        => new($"Two captured tensors are both named '{name}' (a module's name collides with a call suffix or an "
             + "output index of another). Narrow the patterns so that only one of them is captured.");

    public static InvalidOperationException DisposedOutput(string name)
        => new($"The tensor to be captured as '{name}' was already disposed when its module returned.");

    public static ArgumentOutOfRangeException BadTolerance(string paramName, double value)
        => new(paramName, value, $"The tolerance {paramName} must be a finite number >= 0, not {value}.");
}
