using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.Text.Json;
using TorchModel.Internal;
using TorchModel.Internal.Checkpoints;
using static TorchSharp.torch;

namespace TorchModel;

/// <summary>
/// Reads and writes <c>.safetensors</c> files, the tensor format of Hugging Face's <c>safetensors</c> package, so that
/// weights cross between PyTorch and .NET in both directions.
/// </summary>
/// <remarks>
/// Equivalent to Python's <c>safetensors.torch.load_file</c> / <c>save_file</c>. TorchSharp has no safetensors support;
/// its <c>Module.save</c>/<c>load</c> use a TorchSharp-only format PyTorch cannot read.
/// </remarks>
public static partial class SafeTensors
{
    /// <summary>The largest tensor a non-seekable stream's header may make the reader allocate before its bytes arrived.</summary>
    private const long UnverifiedAllocationBytes = 64L << 20;

    /// <summary>Reads every tensor of a safetensors file into a new CPU tensor.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The tensors in the order the file's header lists them; the caller disposes it (which disposes the tensors).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is truncated, corrupt or hostile (the message says which part), or uses a dtype TorchModel does not read.</exception>
    /// <remarks>
    /// Equivalent to Python's <c>safetensors.torch.load_file(path)</c>, except that the keys keep the header's order (the
    /// order <see cref="Save"/> and PyTorch's state_dict write) rather than being sorted. The whole header is validated
    /// before any tensor is allocated; each tensor's bytes are then read straight into its storage.
    /// </remarks>
    public static StateDict Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        return Load(stream);
    }

    /// <summary>Reads every tensor of a safetensors stream into a new CPU tensor.</summary>
    /// <param name="stream">The stream, positioned at the first byte of the safetensors data; it is read to its end and not closed.</param>
    /// <returns>The tensors in the order the header lists them; the caller disposes it (which disposes the tensors).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read.</exception>
    /// <exception cref="CheckpointFormatException">The data is truncated, corrupt or hostile, or uses a dtype TorchModel does not read.</exception>
    /// <remarks>
    /// Equivalent to Python's <c>safetensors.torch.load(bytes)</c>. A seekable stream is checked against its length
    /// before anything is allocated; a non-seekable one is checked as it is read, and must end where the data ends.
    /// </remarks>
    public static StateDict Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw Throw.UnreadableStream(nameof(stream));
        long? available = stream.CanSeek ? stream.Length - stream.Position : null;
        var header = SafeTensorsHeader.Read(stream, available);

        var tensors = new Tensor?[header.Entries.Count];
        var order = Enumerable.Range(0, header.Entries.Count).OrderBy(i => header.Entries[i].Begin).ToArray();
        try
        {
            foreach (int i in order)
            {
                var entry = header.Entries[i];
                try
                {
                    if (available is null && entry.End - entry.Begin > UnverifiedAllocationBytes)
                    {
                        // A stream of unknown length could claim a terabyte: take its bytes as they arrive, and only
                        // then allocate the tensor.
                        var chunks = TensorBytes.ReadChunks(stream, entry.End - entry.Begin);
                        tensors[i] = empty(entry.Shape, entry.Type);
                        TensorBytes.CopyInto(tensors[i]!, chunks);
                    }
                    else
                    {
                        tensors[i] = empty(entry.Shape, entry.Type);
                        TensorBytes.ReadInto(stream, tensors[i]!, freshMemory: true);
                    }
                }
                catch (EndOfStreamException e)
                {
                    throw Throw.SafeTensors($"the file ends inside the data of tensor '{entry.Name}' (data_offsets [{entry.Begin}, {entry.End}])", e);
                }
            }
            if (available is null && stream.ReadByte() != -1)
                throw Throw.SafeTensors($"the data section continues past the {header.DataBytes} bytes the tensors cover");
        }
        catch
        {
            foreach (var t in tensors) t?.Dispose();
            throw;
        }
        return StateDict.Owning(header.Entries.Select((e, i) => new KeyValuePair<string, Tensor>(e.Name, tensors[i]!)));
    }

    /// <summary>Reads the string metadata (<c>"__metadata__"</c>) of a safetensors file without reading its tensors.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The metadata; empty when the file has none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The header is truncated, corrupt or hostile.</exception>
    /// <remarks>Equivalent to Python's <c>safe_open(path, "pt").metadata()</c>; the whole header is validated as by <see cref="Load(string)"/>.</remarks>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var header = SafeTensorsHeader.Read(stream, stream.Length);
        return new ReadOnlyDictionary<string, string>(header.Metadata);
    }

    /// <summary>Writes tensors to a safetensors file that Python's <c>safetensors</c> and PyTorch read back.</summary>
    /// <param name="tensors">The tensors by name; written in the dictionary's enumeration order (a <see cref="StateDict"/>'s order).</param>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="metadata">String metadata stored under <c>"__metadata__"</c>; <c>"format": "pt"</c> is always added.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tensors"/>, <paramref name="path"/>, a tensor or a metadata value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is empty or <c>"__metadata__"</c>, a tensor's dtype has no safetensors code, or the metadata's <c>"format"</c> is not <c>"pt"</c>.</exception>
    /// <remarks>
    /// Equivalent to Python's <c>safetensors.torch.save_file(tensors, path, metadata)</c>. The data is laid out
    /// contiguously in the given order, the header padded with spaces to a multiple of 8 bytes. CUDA and
    /// non-contiguous tensors are copied to contiguous CPU memory one at a time. The file is written to a temporary file
    /// in the same folder and then renamed over <paramref name="path"/>, so a failed save leaves any existing file as it was.
    /// </remarks>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) throw Throw.EmptyPath(nameof(path));

        var (items, header) = Prepare(tensors, metadata, SafeTensorsHeader.MaxHeaderBytes);
        WritePrepared(path, items, header);
    }

    /// <summary>Writes what <see cref="Prepare"/> validated to <paramref name="path"/>, atomically.</summary>
    internal static void WritePrepared(string path, List<SaveItem> items, byte[] header)
    {
        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (var item in items) TensorBytes.Write(stream, item.Tensor);
        });
    }

    /// <summary>One tensor to write, validated.</summary>
    internal readonly record struct SaveItem(string Name, Tensor Tensor, string DType, int Size, long[] Shape);

    /// <summary>Validates everything <see cref="Save"/> writes (names, dtypes, metadata, the header's size against what
    /// <see cref="Load(string)"/> reads) and builds the header, before any file is touched.</summary>
    internal static (List<SaveItem> Items, byte[] Header) Prepare(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata, long maxHeaderBytes)
    {
        var items = new List<SaveItem>();
        foreach (var (name, tensor) in tensors)
        {
            if (tensor is null) throw Throw.NullTensor(name, nameof(tensors));
            if (name.Length == 0) throw Throw.EmptyTensorName(nameof(tensors));
            if (name == "__metadata__") throw Throw.ReservedTensorName(nameof(tensors));
            if (!IsValidUtf16(name)) throw Throw.InvalidUtf16("tensor name", name, nameof(tensors));
            if (!CheckpointDTypes.TryToSafeTensors(tensor.dtype, out string dtype, out int size))
                throw Throw.UnsupportedSafeTensorsDType(name, PythonLiteral.DType(tensor.dtype), CheckpointDTypes.SupportedSafeTensorsNames, nameof(tensors));
            items.Add(new SaveItem(name, tensor, dtype, size, tensor.shape));
        }
        var meta = new List<KeyValuePair<string, string>> { new("format", "pt") };
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                if (value is null) throw Throw.NullMetadataValue(key, nameof(metadata));
                if (!IsValidUtf16(key)) throw Throw.InvalidUtf16("metadata key", key, nameof(metadata));
                if (!IsValidUtf16(value)) throw Throw.InvalidUtf16($"metadata value of '{key}'", value, nameof(metadata));
                if (key == "format")
                {
                    if (value != "pt") throw Throw.MetadataFormatNotPt(value, nameof(metadata));
                    continue;
                }
                meta.Add(new(key, value));
            }
        }

        byte[] header = BuildHeader(items.Select(i => (i.Name, i.DType, i.Shape, i.Size)), meta);
        if (header.Length > maxHeaderBytes)
            throw Throw.SafeTensorsHeaderTooLarge(header.Length, maxHeaderBytes, nameof(tensors));
        return (items, header);
    }

    /// <summary>Whether every surrogate is part of a pair: what UTF-8 (and so a safetensors header) can represent.</summary>
    internal static bool IsValidUtf16(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else return false;
        }
        return true;
    }

    private static byte[] BuildHeader(IEnumerable<(string Name, string DType, long[] Shape, int Size)> items, List<KeyValuePair<string, string>> metadata)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata) writer.WriteString(key, value);
            writer.WriteEndObject();
            long offset = 0;
            foreach (var (name, dtype, shape, size) in items)
            {
                long bytes = size;
                foreach (long d in shape) bytes *= d;
                writer.WriteStartObject(name);
                writer.WriteString("dtype", dtype);
                writer.WriteStartArray("shape");
                foreach (long d in shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + bytes);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += bytes;
            }
            writer.WriteEndObject();
        }
        int length = (int)buffer.Length;
        int padded = (length + 7) / 8 * 8;
        for (int i = length; i < padded; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
