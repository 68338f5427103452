namespace TorchModel.Internal.Checkpoints;

/// <summary>Overflow-safe checks of a saved tensor view against its storage, run before libtorch sees any number, so
/// that no size, stride or offset can make libtorch overflow or read outside the storage.</summary>
internal static class TensorChecks
{
    /// <summary>The most dimensions a saved tensor may have.</summary>
    public const int MaxDims = 64;

    /// <summary>Returns the view's element count after checking it; <paramref name="path"/> is evaluated only for errors.</summary>
    public static long CheckView(StorageRef storage, long offset, long[] size, long[] stride, Func<string> path)
    {
        if (size.Length != stride.Length)
            throw Throw.Pickle($"the tensor at {path()} has {size.Length} sizes but {stride.Length} strides");
        if (size.Length > MaxDims) throw Throw.Pickle($"the tensor at {path()} has {size.Length} dimensions, over the limit of {MaxDims}");
        if (offset < 0 || size.Any(static s => s < 0) || stride.Any(static s => s < 0))
            throw Throw.Pickle($"the tensor at {path()} has a negative size, stride or storage offset");
        long numel = 1;
        foreach (long s in size)
        {
            // libtorch multiplies every size (zeros included) and refuses an intermediate overflow; so do we.
            if (s != 0 && numel > long.MaxValue / s) throw Throw.Pickle($"the tensor at {path()} has sizes [{string.Join(", ", size)}] whose product overflows 64 bits");
            numel *= s;
        }
        if (numel == 0) return 0;
        if (numel > long.MaxValue / storage.ElementSize) throw Throw.Pickle($"the tensor at {path()} has a byte size that overflows 64 bits");
        long last = offset;
        for (int i = 0; i < size.Length; i++)
        {
            long step = size[i] - 1;
            if (step != 0 && stride[i] > (long.MaxValue - last) / step)
                throw Throw.Pickle($"the tensor at {path()} has sizes and strides too large to address");
            last += step * stride[i];
        }
        if (last >= storage.Numel)
            throw Throw.Pickle($"the tensor at {path()} (size [{string.Join(", ", size)}], stride [{string.Join(", ", stride)}], offset {offset}) " +
                               $"reaches element {last} of storage '{storage.Key}', which has {storage.Numel}");
        return numel;
    }
}
