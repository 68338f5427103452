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
}
