using TorchSharp;

namespace TorchModel.Internal.Checkpoints;

/// <summary>Moves a tensor's bytes between its libtorch storage and a stream, in bounded chunks and without an intermediate whole-tensor copy.</summary>
internal static class TensorBytes
{
    /// <summary>The largest span handed to a single read or write (TorchSharp's byte spans are int-sized).</summary>
    private const long ChunkBytes = 1L << 28;

    public delegate void SpanAction(Span<byte> bytes);

    /// <summary>Fills a new contiguous CPU tensor from the stream; throws <see cref="EndOfStreamException"/> when the stream ends early.</summary>
    public static void ReadInto(Stream stream, Tensor contiguousCpu, int elementSize)
        => ForEachChunk(contiguousCpu, bytes => stream.ReadExactly(bytes));

    /// <summary>Writes the tensor's elements in row-major order, copying to contiguous CPU memory first when needed.</summary>
    public static void Write(Stream stream, Tensor tensor, int elementSize)
    {
        if (tensor.numel() == 0) return;
        using var detached = tensor.detach();
        using var cpu = detached.device_type == DeviceType.CPU ? detached.alias() : detached.cpu();
        using var contiguous = cpu.contiguous();
        ForEachChunk(contiguous, bytes => stream.Write(bytes));
    }

    /// <summary>Hands the storage bytes of a contiguous CPU tensor to <paramref name="action"/> in order, at most
    /// <see cref="ChunkBytes"/> at a time.</summary>
    public static void ForEachChunk(Tensor contiguousCpu, SpanAction action)
    {
        long numel = contiguousCpu.numel();
        if (numel == 0) return;
        using var flat = contiguousCpu.reshape(numel);
        long perChunk = Math.Max(1, ChunkBytes / flat.element_size());
        if (numel <= perChunk)
        {
            action(flat.bytes);
            return;
        }
        for (long start = 0; start < numel; start += perChunk)
        {
            long count = Math.Min(perChunk, numel - start);
            using var part = flat.narrow(0, start, count);
            action(part.bytes);
        }
    }
}
