using TorchSharp;

namespace TorchModel.Internal.Checkpoints;

/// <summary>Moves a tensor's bytes between its libtorch storage and a stream, in bounded chunks and without an intermediate whole-tensor copy.</summary>
internal static class TensorBytes
{
    /// <summary>The largest span handed to a single read or write (TorchSharp's byte spans are int-sized).</summary>
    private const long ChunkBytes = 1L << 28;

    /// <summary>Fills a new contiguous CPU tensor from the stream; throws <see cref="EndOfStreamException"/> when the stream ends early.</summary>
    public static void ReadInto(Stream stream, Tensor contiguousCpu, int elementSize)
    {
        long numel = contiguousCpu.numel();
        if (numel == 0) return;
        using var flat = contiguousCpu.reshape(numel);
        ForEachChunk(flat, elementSize, stream, static (s, bytes) => s.ReadExactly(bytes));
    }

    /// <summary>Writes the tensor's elements in row-major order, copying to contiguous CPU memory first when needed.</summary>
    public static void Write(Stream stream, Tensor tensor, int elementSize)
    {
        long numel = tensor.numel();
        if (numel == 0) return;
        using var detached = tensor.detach();
        using var cpu = detached.device_type == DeviceType.CPU ? detached.alias() : detached.cpu();
        using var contiguous = cpu.contiguous();
        using var flat = contiguous.reshape(numel);
        ForEachChunk(flat, elementSize, stream, static (s, bytes) => s.Write(bytes));
    }

    private delegate void ChunkAction(Stream stream, Span<byte> bytes);

    /// <summary>Hands the storage bytes of a flat contiguous CPU tensor to <paramref name="action"/>, at most
    /// <see cref="ChunkBytes"/> at a time.</summary>
    private static void ForEachChunk(Tensor flat, int elementSize, Stream stream, ChunkAction action)
    {
        long numel = flat.numel();
        long perChunk = Math.Max(1, ChunkBytes / elementSize);
        for (long start = 0; start < numel; start += perChunk)
        {
            long count = Math.Min(perChunk, numel - start);
            using var part = flat.narrow(0, start, count);
            action(stream, part.bytes);
        }
    }
}
