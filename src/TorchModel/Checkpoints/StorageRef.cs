using static TorchSharp.torch;

namespace TorchModel.Internal.Checkpoints;

/// <summary>A storage record named by a persistent id: <c>('storage', torch.FloatStorage, key, location, numel)</c>.</summary>
internal sealed record StorageRef(string Key, ScalarType Type, int ElementSize, long Numel, string Location)
{
    /// <summary>The entry's bytes (checked against overflow when the record was read).</summary>
    public long Bytes => Numel * ElementSize;
}
