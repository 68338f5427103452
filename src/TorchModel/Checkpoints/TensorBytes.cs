using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchModel.Internal.Checkpoints;

/// <summary>Moves a tensor's bytes between its libtorch storage and a stream, in bounded chunks and without an intermediate whole-tensor copy.</summary>
internal static class TensorBytes
{
    /// <summary>The largest span handed to a single read or write of a tensor's own memory (spans are int-sized).</summary>
    private const int DirectChunkBytes = 1 << 28;

    /// <summary>Receives one chunk of a tensor's memory.</summary>
    public delegate void SpanAction(Span<byte> bytes);

    /// <summary>Reads the stream's next bytes straight into the memory of a contiguous CPU tensor whose dtype is the
    /// file's; throws <see cref="EndOfStreamException"/> when the stream ends early. <paramref name="freshMemory"/>:
    /// the tensor was just allocated, so its pages are first advised as huge pages (one fault per 2 MB).</summary>
    public static void ReadInto(Stream stream, Tensor contiguousCpu, bool freshMemory = false)
    {
        long total = contiguousCpu.numel() * contiguousCpu.element_size();
        if (total == 0) return;
        if (freshMemory) MemoryAdvice.HugePages(ref DataStart(contiguousCpu, total), total);
        ForEachChunk(contiguousCpu, bytes => stream.ReadExactly(bytes));
    }

    /// <summary>Writes the tensor's elements in row-major order, copying to contiguous CPU memory first when needed.</summary>
    public static void Write(Stream stream, Tensor tensor)
    {
        if (tensor.numel() == 0) return;
        using var detached = tensor.detach();
        using var cpu = detached.device_type == DeviceType.CPU ? detached.alias() : detached.cpu();
        using var contiguous = cpu.contiguous();
        ForEachChunk(contiguous, bytes => stream.Write(bytes));
    }

    /// <summary>Hands the memory of a contiguous CPU tensor to <paramref name="action"/> in order, at most
    /// <see cref="DirectChunkBytes"/> bytes at a time.</summary>
    public static void ForEachChunk(Tensor contiguousCpu, SpanAction action)
    {
        long total = contiguousCpu.numel() * contiguousCpu.element_size();
        if (total == 0) return;
        ref byte start = ref DataStart(contiguousCpu, total);
        for (long offset = 0; offset < total; offset += DirectChunkBytes)
        {
            int count = (int)Math.Min(DirectChunkBytes, total - offset);
            action(MemoryMarshal.CreateSpan(ref Unsafe.AddByteOffset(ref start, (nint)offset), count));
        }
    }

    /// <summary>Reads <paramref name="fileType"/> elements from the stream into any tensor (another dtype, another device,
    /// non-contiguous) through a bounded staging buffer, converting each chunk with <c>copy_</c> as PyTorch's
    /// <c>load_state_dict</c> does. With <paramref name="firstElementOnly"/> only the first element is copied (a 0-dim
    /// target of a 1-dim entry) and the entry's other bytes are skipped.</summary>
    public static void ReadConverted(Stream stream, Tensor target, ScalarType fileType, int elementSize, long entryBytes, StagingBuffers staging, bool firstElementOnly)
    {
        if (firstElementOnly)
        {
            using (var one = staging.Take(fileType, elementSize, 1))
            {
                stream.ReadExactly(one.bytes);
                using var scalar = one.reshape([]);
                target.copy_(scalar);
            }
            Skip(stream, entryBytes - elementSize);
            return;
        }
        long numel = target.numel();
        if (numel == 0) return;
        if (target.is_contiguous())
        {
            using var flat = target.view(-1);
            long perChunk = staging.Elements(elementSize);
            for (long start = 0; start < numel; start += perChunk)
            {
                long count = Math.Min(perChunk, numel - start);
                using var source = staging.Take(fileType, elementSize, count);
                stream.ReadExactly(source.bytes);
                using var destination = flat.narrow(0, start, count);
                destination.copy_(source);
            }
            return;
        }
        // A non-contiguous target (e.g. a transposed buffer) is filled a block of outermost rows at a time: the rows of
        // a row-major file are consecutive bytes.
        long rows = target.shape[0];
        long rowElements = numel / rows;
        long rowsPerChunk = Math.Max(1, staging.Elements(elementSize) / rowElements);
        for (long row = 0; row < rows; row += rowsPerChunk)
        {
            long count = Math.Min(rowsPerChunk, rows - row);
            using var destination = target.narrow(0, row, count);
            using var source = staging.Take(fileType, elementSize, count * rowElements);
            stream.ReadExactly(source.bytes);
            using var shaped = source.view(destination.shape);
            destination.copy_(shaped);
        }
    }

    /// <summary>Reads <paramref name="count"/> bytes into a list of bounded arrays, allocating only as bytes arrive;
    /// throws <see cref="EndOfStreamException"/> when the stream ends early.</summary>
    public static List<byte[]> ReadChunks(Stream stream, long count)
    {
        var chunks = new List<byte[]>();
        for (long done = 0; done < count;)
        {
            var chunk = new byte[(int)Math.Min(1 << 24, count - done)];
            stream.ReadExactly(chunk);
            chunks.Add(chunk);
            done += chunk.Length;
        }
        return chunks;
    }

    /// <summary>Copies consecutive chunks into the memory of a contiguous CPU tensor of exactly their total size.</summary>
    public static void CopyInto(Tensor contiguousCpu, List<byte[]> chunks)
    {
        long total = contiguousCpu.numel() * contiguousCpu.element_size();
        if (total == 0) return;
        ref byte start = ref DataStart(contiguousCpu, total);
        long offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.AddByteOffset(ref start, (nint)offset), chunk.Length));
            offset += chunk.Length;
        }
    }

    /// <summary>Advances the stream by <paramref name="count"/> bytes (seeking when it can).</summary>
    public static void Skip(Stream stream, long count)
    {
        if (count == 0) return;
        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }
        Span<byte> sink = stackalloc byte[4096];
        while (count > 0)
        {
            int n = (int)Math.Min(sink.Length, count);
            stream.ReadExactly(sink[..n]);
            count -= n;
        }
    }

    /// <summary>A reference to the first byte of a contiguous CPU tensor's memory (which is native, so the GC ignores it).</summary>
    private static ref byte DataStart(Tensor contiguousCpu, long totalBytes)
    {
        if (totalBytes <= int.MaxValue) return ref MemoryMarshal.GetReference(contiguousCpu.bytes);
        using var flat = contiguousCpu.view(-1);
        using var first = flat.narrow(0, 0, 1);
        return ref MemoryMarshal.GetReference(first.bytes);
    }
}
