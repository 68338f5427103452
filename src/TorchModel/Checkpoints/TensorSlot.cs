namespace TorchModel.Internal.Checkpoints;

/// <summary>A tensor of the tree: first the view to rebuild (<c>_rebuild_tensor_v2</c>'s arguments), then, once the
/// whole file has been validated, the tensor itself.</summary>
internal sealed class TensorSlot(StorageRef storage, long offset, long[] size, long[] stride)
{
    public StorageRef Storage { get; } = storage;
    public long Offset { get; } = offset;
    public long[] Size { get; } = size;
    public long[] Stride { get; } = stride;

    /// <summary>Where the tensor sits in the tree, for error messages (e.g. <c>['model']['fc.weight']</c>).</summary>
    public string Path => PathNode?.ToString() ?? "the top level";

    public PathNode? PathNode { get; set; }

    public Tensor? Tensor { get; set; }

    /// <summary>The number of elements (checked against overflow before the slot was made).</summary>
    public long Numel { get; init; }

    public bool IsWholeContiguousStorage
    {
        get
        {
            if (Offset != 0 || Numel != Storage.Numel) return false;
            long expected = 1;
            for (int i = Size.Length - 1; i >= 0; i--)
            {
                if (Size[i] != 1 && Stride[i] != expected) return false;
                expected *= Size[i];
            }
            return true;
        }
    }

    public string Describe() => $"tensor {PythonLiteral.DType(Storage.Type)[6..]} [{string.Join(", ", Size)}]";
}
