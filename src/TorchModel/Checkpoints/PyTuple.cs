namespace TorchModel.Internal.Checkpoints;

/// <summary>A Python tuple.</summary>
internal sealed record PyTuple(object?[] Items);
