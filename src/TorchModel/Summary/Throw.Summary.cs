namespace TorchModel.Internal;

internal static partial class Throw
{
    public static ArgumentException NoSummaryInputs(string paramName)
        => new("No input tensor was given; pass at least one forward argument, or use Summary() for a parameters-only summary.", paramName);

    public static ArgumentException SummaryInputsTwice(string paramName)
        => new("Input tensors were given, so the options must not also give InputShapes or InputTypes (torchinfo: only one of input_data and input_size).", paramName);

    public static string NullSummaryInputMessage(int index) => $"Input {index} is null.";

    public static ArgumentException DisposedSummaryInput(int index, string paramName)
        => new($"Input {index} has been disposed.", paramName);

    public static ArgumentException SummaryInputTypesCount(int types, int shapes, string paramName)
        => new($"InputTypes has {types} entries for {shapes} input shapes; give one element type per input shape, or none.", paramName);

    public static ArgumentException SummaryArity(string className, int arity)
        => new($"{className} cannot be called with {arity} tensor input(s): Summary supports a forward taking 1 to 6 tensors (torch.nn.Module<Tensor, ..., TResult>). Pass no input shapes for a parameters-only summary.", "options");

    public static SummaryForwardException SummaryForward(string path, string type, string inputs, string modelInputs, Exception inner)
    {
        string where = path.Length == 0 ? $"the root module ({type})" : $"layer '{path}' ({type})";
        string on = inputs.Length == 0 ? "" : $" on input(s) {inputs}";
        return new SummaryForwardException(
            $"The summary's forward pass failed in {where}{on}, model input(s) {modelInputs}: {inner.Message}", path, type, inner);
    }
}
