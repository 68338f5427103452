namespace TorchModel.Internal;

/// <summary>The wording of summary errors: invalid options and a forward pass that fails.</summary>
internal static partial class Throw
{
    public static ArgumentException BadSummaryDepth(int depth, string paramName)
        => new($"Invalid summary depth {depth}: it must be >= 0.", paramName);

    public static ArgumentException BadColumnWidth(int width, string paramName)
        => new($"Invalid column width {width}: it must be >= 1.", paramName);

    public static ArgumentNullException NullInputShape(string paramName)
        => new(paramName, "An input shape is null.");

    public static ArgumentException NegativeInputShape(string shape, string paramName)
        => new($"Invalid input shape {shape}: dimensions must be >= 0.", paramName);

    public static ArgumentException UnsupportedForwardArity(string className, int arity, string paramName)
        => new($"{className} cannot be called with {arity} tensor input(s): Summary supports a forward taking 1 to 3 tensors (torch.nn.Module<Tensor, ..., TResult>). Pass no input shapes for a parameters-only summary.", paramName);

    public static SummaryForwardException SummaryForwardFailed(string path, string type, string inputShapes, Exception inner)
    {
        string where = path.Length == 0 ? $"the root module ({type})" : $"layer '{path}' ({type})";
        return new($"The summary's forward pass failed in {where} with input shape(s) {inputShapes}: {inner.Message}", path, type, inner);
    }
}
