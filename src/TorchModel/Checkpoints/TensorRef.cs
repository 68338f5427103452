namespace TorchModel.Internal.Checkpoints;

/// <summary>A tensor to rebuild as a strided view of a storage (<c>torch._utils._rebuild_tensor_v2</c>'s arguments).</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);
