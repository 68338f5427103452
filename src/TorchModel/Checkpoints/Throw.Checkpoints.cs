namespace TorchModel.Internal;

// Checkpoint format errors (issue #6).
internal static partial class Throw
{
    public static CheckpointFormatException SafeTensors(string problem)
        => new($"Invalid safetensors file: {problem}.");

    public static CheckpointFormatException SafeTensors(string problem, Exception inner)
        => new($"Invalid safetensors file: {problem}.", inner);

    public static CheckpointFormatException Pickle(string problem)
        => new($"Invalid torch.save checkpoint: {problem}.");

    public static CheckpointFormatException Pickle(string problem, Exception inner)
        => new($"Invalid torch.save checkpoint: {problem}.", inner);

    public static CheckpointFormatException ForbiddenGlobal(string module, string name)
        => new($"Refusing to load the torch.save checkpoint: it refers to the Python global '{module}.{name}', which a weights-only load does not allow " +
               $"(allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, torch.Size and the torch.*Storage types).");

    public static ArgumentException UnreadableStream(string paramName)
        => new("The stream cannot be read.", paramName);

    public static ArgumentException EmptyPath(string paramName)
        => new("The path is empty.", paramName);

    public static ArgumentNullException NullTensor(string name, string paramName)
        => new(paramName, $"The tensor named '{name}' is null.");

    public static ArgumentException EmptyTensorName(string paramName)
        => new("A tensor name is empty; safetensors needs a non-empty name for every tensor.", paramName);

    public static ArgumentException ReservedTensorName(string paramName)
        => new("The name \"__metadata__\" is reserved by the safetensors format for metadata.", paramName);

    public static ArgumentException UnsupportedSafeTensorsDType(string name, string dtype, string supported, string paramName)
        => new($"The tensor '{name}' has dtype {dtype}, which safetensors files written by TorchModel do not support (supported: {supported}).", paramName);

    public static ArgumentNullException NullMetadataValue(string key, string paramName)
        => new(paramName, $"The metadata value of '{key}' is null.");

    public static ArgumentException MetadataFormatNotPt(string value, string paramName)
        => new($"The metadata \"format\" is always \"pt\" (PyTorch loaders require it), not \"{value}\".", paramName);
}
