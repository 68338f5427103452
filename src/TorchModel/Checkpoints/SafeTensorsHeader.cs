using System.Buffers.Binary;
using System.Text.Json;

namespace TorchModel.Internal.Checkpoints;

/// <summary>A safetensors header: entries in file order, metadata, and the byte count of the data section.</summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The largest header TorchModel reads, so that a lying length cannot make it allocate gigabytes.</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private SafeTensorsHeader(List<SafeTensorsEntry> entries, Dictionary<string, string> metadata, long dataBytes)
    {
        Entries = entries;
        Metadata = metadata;
        DataBytes = dataBytes;
    }

    public List<SafeTensorsEntry> Entries { get; }

    public Dictionary<string, string> Metadata { get; }

    public long DataBytes { get; }

    /// <summary>Reads and validates the length prefix and header; leaves the stream at the start of the data section.</summary>
    /// <param name="stream">The stream positioned at the file's first byte.</param>
    /// <param name="available">Bytes from the stream's position to its end, or <see langword="null"/> when it cannot seek.</param>
    public static SafeTensorsHeader Read(Stream stream, long? available)
    {
        Span<byte> prefix = stackalloc byte[8];
        int got = ReadUpTo(stream, prefix);
        if (got < 8)
            throw Throw.SafeTensors($"the file is {got} bytes long, too short for the 8-byte header length");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > MaxHeaderBytes)
        {
            if (LooksLikeJson(prefix))
                throw Throw.SafeTensorsIsJson();
            throw Throw.SafeTensors($"the header length {length} exceeds the {MaxHeaderBytes}-byte limit");
        }
        if (available is long size && (long)length > size - 8)
            throw Throw.SafeTensors($"the header length {length} runs past the end of the {size}-byte file");

        byte[] json = available is null ? ReadGrowing(stream, (int)length) : new byte[(int)length];
        int read = available is null ? json.Length : ReadUpTo(stream, json);
        if (read < json.Length)
            throw Throw.SafeTensors($"the file ends after {read} of the header's {length} bytes");

        long? dataBytes = available is long total ? total - 8 - (long)length : null;
        return Parse(json, dataBytes);
    }

    /// <summary>Reads a header of a claimed length from a stream whose length is unknown, growing the buffer only as
    /// bytes arrive, so that a lying length costs at most twice what the stream really holds.</summary>
    private static byte[] ReadGrowing(Stream stream, int length)
    {
        var buffer = new byte[Math.Min(length, 1 << 16)];
        int total = 0;
        while (true)
        {
            int n = ReadUpTo(stream, buffer.AsSpan(total));
            total += n;
            if (total == length) return buffer;
            if (total < buffer.Length)
                throw Throw.SafeTensors($"the file ends after {total} of the header's {length} bytes");
            Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
        }
    }

    /// <summary>Whether the first bytes are JSON text (an index file, or a config) rather than a length prefix.</summary>
    private static bool LooksLikeJson(ReadOnlySpan<byte> prefix)
    {
        var text = prefix.TrimStart(" \t\r\n\uFEFF"u8); // whitespace and a UTF-8 byte order mark
        return text.Length > 0 && (text[0] == (byte)'{' || text[0] == (byte)'[');
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static SafeTensorsHeader Parse(byte[] json, long? dataBytes)
    {
        var entries = new List<SafeTensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        bool sawMetadata = false;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw Throw.SafeTensors("the header is not a JSON object");
            while (true)
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.EndObject) break;
                string name = reader.GetString()!;
                if (name == "__metadata__")
                {
                    if (sawMetadata) throw Throw.SafeTensors("the header has \"__metadata__\" more than once");
                    sawMetadata = true;
                    ReadMetadata(ref reader, metadata);
                    continue;
                }
                if (!names.Add(name))
                    throw Throw.SafeTensors($"the header names tensor '{name}' more than once");
                entries.Add(ReadEntry(ref reader, name));
            }
            reader.Read(); // throws on anything but trailing whitespace (the spec's padding)
        }
        catch (JsonException e)
        {
            throw Throw.SafeTensors($"the header is not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            throw Throw.SafeTensors($"the header is not valid JSON ({e.Message})", e);
        }

        long covered = CheckLayout(entries, dataBytes);
        return new SafeTensorsHeader(entries, metadata, dataBytes ?? covered);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Throw.SafeTensors("\"__metadata__\" is not an object of strings");
        while (true)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndObject) return;
            string key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
                throw Throw.SafeTensors($"\"__metadata__\" entry '{key}' is not a string");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw Throw.SafeTensors($"\"__metadata__\" has key '{key}' more than once");
        }
    }

    private static SafeTensorsEntry ReadEntry(ref Utf8JsonReader reader, string name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Throw.SafeTensors($"the entry of tensor '{name}' is not an object");
        string? dtype = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        while (true)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndObject) break;
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "dtype" when dtype is null:
                    if (reader.TokenType != JsonTokenType.String)
                        throw Throw.SafeTensors($"tensor '{name}' has a dtype that is not a string");
                    dtype = reader.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = ReadLongs(ref reader, name, "shape");
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadLongs(ref reader, name, "data_offsets");
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Throw.SafeTensors($"tensor '{name}' has \"{field}\" more than once");
                default:
                    reader.Skip();
                    break;
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw Throw.SafeTensors($"tensor '{name}' lacks {(dtype is null ? "\"dtype\"" : shape is null ? "\"shape\"" : "\"data_offsets\"")}");
        if (!CheckpointDTypes.TryFromSafeTensors(dtype, out var type, out int elementSize))
            throw Throw.SafeTensors($"tensor '{name}' has dtype '{dtype}', which TorchModel does not read (supported: {CheckpointDTypes.SupportedSafeTensorsNames})");
        if (offsets.Count != 2)
            throw Throw.SafeTensors($"tensor '{name}' has {offsets.Count} data_offsets instead of 2 ([begin, end])");
        long begin = offsets[0], end = offsets[1];
        if (end < begin)
            throw Throw.SafeTensors($"tensor '{name}' has data_offsets [{begin}, {end}] that end before they begin");
        if (!TryByteSize(shape, elementSize, out long bytes))
            throw Throw.SafeTensors($"tensor '{name}' has shape [{string.Join(", ", shape)}], too large to address");
        if (bytes != end - begin)
            throw Throw.SafeTensors($"tensor '{name}' of dtype {dtype} and shape [{string.Join(", ", shape)}] needs {bytes} bytes but its data_offsets [{begin}, {end}] span {end - begin}");
        return new SafeTensorsEntry(name, dtype, type, elementSize, shape.ToArray(), begin, end);
    }

    /// <summary>The byte size of a contiguous tensor, refusing a shape whose element count, byte count or strides (the
    /// products of the trailing dimensions, each at least 1, which libtorch computes even when a dimension is 0) overflow
    /// 64 bits, so that libtorch is never asked for a tensor it cannot describe.</summary>
    public static bool TryByteSize(IReadOnlyList<long> shape, int elementSize, out long bytes)
    {
        bytes = 0;
        long numel = 1;
        long strideProduct = elementSize;
        foreach (long d in shape)
        {
            if (d < 0) return false;
            if (d == 0) numel = 0;
            else if (numel != 0 && numel > long.MaxValue / d) return false;
            else numel *= d;
            long factor = Math.Max(d, 1);
            if (strideProduct > long.MaxValue / factor) return false;
            strideProduct *= factor;
        }
        if (numel != 0 && numel > long.MaxValue / elementSize) return false;
        bytes = numel * elementSize;
        return true;
    }

    private static List<long> ReadLongs(ref Utf8JsonReader reader, string name, string field)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Throw.SafeTensors($"tensor '{name}' has a \"{field}\" that is not an array of integers");
        var values = new List<long>();
        while (true)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndArray) return values;
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v) || v < 0)
                throw Throw.SafeTensors($"tensor '{name}' has a \"{field}\" that is not an array of non-negative integers");
            values.Add(v);
        }
    }

    /// <summary>Checks that the entries tile the data section exactly: no overlap, no gap, nothing past its end.</summary>
    /// <returns>The number of data bytes the entries cover.</returns>
    private static long CheckLayout(List<SafeTensorsEntry> entries, long? dataBytes)
    {
        var byOffset = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long expected = 0;
        SafeTensorsEntry? previous = null;
        foreach (var e in byOffset)
        {
            if (dataBytes is long limit && e.End > limit)
                throw Throw.SafeTensors($"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}] past the end of the {limit}-byte data section");
            if (e.Begin < expected)
                throw Throw.SafeTensors($"tensor '{e.Name}' at data_offsets [{e.Begin}, {e.End}] overlaps tensor '{previous!.Name}' at [{previous.Begin}, {previous.End}]");
            if (e.Begin > expected)
                throw Throw.SafeTensors($"the data section has a gap of {e.Begin - expected} bytes at offset {expected}, before tensor '{e.Name}'");
            expected = e.End;
            previous = e;
        }
        if (dataBytes is long total && expected != total)
            throw Throw.SafeTensors($"the tensors cover {expected} bytes but the data section holds {total}");
        return expected;
    }
}
