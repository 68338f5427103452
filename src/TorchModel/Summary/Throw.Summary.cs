namespace TorchModel.Internal;

/// <summary>The wording of summary errors: invalid options and inputs, and a forward pass that fails.</summary>
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

    public static ArgumentException NoSummaryInputs(string paramName)
        => new("No input tensor was given; pass at least one forward argument, or use Summary() for a parameters-only summary.", paramName);

    public static ArgumentException SummaryInputsTwice(string paramName)
        => new("Input tensors were given, so the options must not also give InputShapes or InputTypes (torchinfo: only one of input_data and input_size).", paramName);

    public static ArgumentNullException NullSummaryInput(int index, string paramName)
        => new(paramName, $"Input {index} is null.");

    public static ArgumentException DisposedSummaryInput(int index, string paramName)
        => new($"Input {index} has been disposed.", paramName);

    public static ArgumentException SummaryInputTypesCount(int types, int shapes, string paramName)
        => new($"InputTypes has {types} entries for {shapes} input shapes; give one element type per input shape, or none.", paramName);

    public static ArgumentException SummaryArity(string className, int arity)
        => new($"{className} cannot be called with {arity} tensor input(s): Summary supports a forward taking tensors only (torch.nn.Module<Tensor, ..., TResult>), as many as are given. Pass no input shapes for a parameters-only summary.", "options");

    public static SummaryForwardException SummaryForward(string path, string type, string inputs, string modelInputs, Exception inner)
    {
        string where = path.Length == 0 ? $"the root module ({type})" : $"layer '{path}' ({type})";
        string on = inputs.Length == 0 ? "" : $" on input(s) {inputs}";
        return new SummaryForwardException(
            $"The summary's forward pass failed in {where}{on}, model input(s) {modelInputs}: {inner.Message}", path, type, inner);
    }
}
