using static TorchSharp.torch;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// Bounded host buffers, one per file dtype, reused for every chunk of a load that cannot read straight into its
/// target (a dtype conversion, a CUDA or non-contiguous target). Page-locked (pinned) when a target lives on CUDA, so
/// that each chunk's copy to the device is a plain DMA transfer.
/// </summary>
internal sealed class StagingBuffers : IDisposable
{
    /// <summary>The default size of one staging buffer: big enough to amortize a copy_ call, far below the memory budget.</summary>
    public const long DefaultBytes = 16L << 20;

    private readonly Dictionary<ScalarType, Tensor> _buffers = [];
    private readonly long _bytes;
    private readonly bool _pinned;
    private Tensor? _oversized;

    public StagingBuffers(bool pinned, long bytes = DefaultBytes)
    {
        _pinned = pinned;
        _bytes = bytes;
    }

    /// <summary>The number of elements of <paramref name="elementSize"/> bytes one buffer holds (at least one).</summary>
    public long Elements(int elementSize) => Math.Max(1, _bytes / elementSize);

    /// <summary>A view of the first <paramref name="count"/> elements of the buffer for <paramref name="type"/>; the caller
    /// disposes the view. A request beyond the buffer (one row of a non-contiguous target wider than a chunk) gets a
    /// temporary buffer of that size, kept until the next such request.</summary>
    public Tensor Take(ScalarType type, int elementSize, long count)
    {
        Tensor buffer;
        if (count <= Elements(elementSize))
        {
            if (!_buffers.TryGetValue(type, out buffer!))
            {
                buffer = Allocate(Elements(elementSize), type);
                _buffers.Add(type, buffer);
            }
        }
        else
        {
            _oversized?.Dispose();
            _oversized = buffer = Allocate(count, type);
        }
        return buffer.narrow(0, 0, count);
    }

    private Tensor Allocate(long count, ScalarType type)
    {
        var buffer = empty(count, type);
        if (!_pinned) return buffer;
        using (buffer) return buffer.pin_memory();
    }

    public void Dispose()
    {
        foreach (var b in _buffers.Values) b.Dispose();
        _buffers.Clear();
        _oversized?.Dispose();
    }
}
