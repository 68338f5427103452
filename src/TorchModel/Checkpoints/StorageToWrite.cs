namespace TorchModel.Internal.Checkpoints;

/// <summary>A storage to write as <c>data/&lt;key&gt;</c>: a contiguous CPU-readable tensor of its elements.</summary>
internal sealed record StorageToWrite(string Key, Tensor Source, long Bytes);
