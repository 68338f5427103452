using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Checkpoints;

/// <summary>
/// Mutation fuzzing of both checkpoint readers, from fixed seeds over the real fixtures: every mutated input either
/// loads, and then round-trips (saved as safetensors and read back bit for bit equal, and read twice the same), or
/// raises <see cref="CheckpointFormatException"/>; never any other exception, never more than
/// <see cref="TimePerInput"/>, never more managed allocation than twice the input plus 64 MB. The iteration count
/// is sized for about 30 s on 2 cores; set TORCHMODEL_FUZZ_ITERATIONS to run longer locally.
/// </summary>
public class FuzzTests : IDisposable
{
    private static readonly TimeSpan TimePerInput = TimeSpan.FromSeconds(2);
    private const long MemorySlack = 64L << 20;

    /// <summary>Mutation kinds a reader still fails on, excluded here so the rest keeps guarding; each entry is a
    /// known bug, listed so it stays visible until fixed. Empty means every kind runs.</summary>
    private static readonly Dictionary<string, string[]> Excluded = new()
    {
        ["pt"] = [],
        ["safetensors-file"] = [],
        ["safetensors-stream"] = [],
    };

    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("TORCHMODEL_FUZZ_ITERATIONS"), out int n) ? n : 4000;

    private readonly string _folder = Directory.CreateTempSubdirectory("tm-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Readers() => new() { "pt", "safetensors-file", "safetensors-stream" };

    [Theory]
    [MemberData(nameof(Readers))]
    public void Mutations_LoadAndRoundTrip_OrRaiseFormatError_InBoundedTimeAndMemory(string reader)
    {
        bool pt = reader == "pt";
        var bases = (pt ? new[] { "tied.pt", "views.pt", "dtypes.pt", "protocol4.pt", "batchnorm.pt", "missing_storage.pt" }
                        : new[] { "batchnorm.safetensors", "dtypes.safetensors", "nometadata.safetensors" })
            .Select(f => File.ReadAllBytes(CheckpointGolden.Fixture(f))).ToArray();
        var kinds = pt ? PtKinds : SafeTensorsKinds;
        var random = new Random(pt ? 18_001 : reader == "safetensors-file" ? 18_002 : 18_003);
        var failures = new List<string>();
        var accepted = 0;
        for (int i = 0; i < Iterations; i++)
        {
            string kind = kinds[i % kinds.Length];
            var input = Mutate(kind, bases[random.Next(bases.Length)], random);
            if (Excluded[reader].Contains(kind)) continue;
            string? failure = Check(reader, input, ref accepted);
            if (failure is not null) failures.Add($"{kind} #{i} ({input.Length} bytes): {failure}");
        }
        failures.ShouldBeEmpty($"{failures.Count} of {Iterations} inputs; first ones:\n" + string.Join("\n", failures.Take(15)));
        accepted.ShouldBeGreaterThan(0, "no mutated input loaded: the round-trip check never ran");
    }

    public static TheoryData<string, string> WorstInputFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(WorstInputsFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            var readers = file!.EndsWith(".pt", StringComparison.Ordinal) ? new[] { "pt" }
                : file.EndsWith(".safetensors", StringComparison.Ordinal) ? new[] { "safetensors-file", "safetensors-stream" } : [];
            foreach (var reader in readers) data.Add(file, reader);
        }
        return data;
    }

    private static string WorstInputsFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "hostile");

    /// <summary>The worst inputs fuzzing found (rebuilt by Fixtures/hostile/generate_hostile.py), under the same rules.</summary>
    [Theory]
    [MemberData(nameof(WorstInputFiles))]
    public void WorstInputs_LoadAndRoundTrip_OrRaiseFormatError_InBoundedTimeAndMemory(string file, string reader)
    {
        int accepted = 0;
        Check(reader, File.ReadAllBytes(Path.Combine(WorstInputsFolder, file)), ref accepted).ShouldBeNull();
    }

    private static readonly string[] PtKinds = ["bitflip", "byterun", "truncate", "splice", "pickle-opcode", "pickle-int", "zip-central", "zip-eocd", "zip-duplicate"];
    private static readonly string[] SafeTensorsKinds = ["bitflip", "byterun", "truncate", "splice", "header-length", "json-number", "json-token", "json-duplicate"];

    private string? Check(string reader, byte[] input, ref int accepted)
    {
        string path = Path.Combine(_folder, "input");
        File.WriteAllBytes(path, input);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        StateDict? loaded = null;
        try
        {
            loaded = Load(reader, path, input);
        }
        catch (CheckpointFormatException)
        {
        }
        catch (Exception ex)
        {
            return $"{ex.GetType().Name}: {FirstLine(ex.Message)}";
        }
        clock.Stop();
        long managed = GC.GetAllocatedBytesForCurrentThread() - allocated;
        using (loaded)
        {
            if (clock.Elapsed > TimePerInput) return $"took {clock.Elapsed.TotalSeconds:F1} s";
            if (managed > 2L * input.Length + MemorySlack) return $"allocated {managed >> 20} MB";
            if (loaded is null) return null;
            accepted++;
            return RoundTrip(reader, path, input, loaded);
        }
    }

    private static StateDict Load(string reader, string path, byte[] input) => reader switch
    {
        "pt" => PyTorchCheckpoint.Load(path),
        "safetensors-file" => SafeTensors.Load(path),
        _ => SafeTensors.Load(new ForwardOnlyStream(input)),
    };

    /// <summary>What was accepted is read the same way twice, and survives a safetensors save and load bit for bit.</summary>
    private string? RoundTrip(string reader, string path, byte[] input, StateDict loaded)
    {
        try
        {
            using var again = Load(reader, path, input);
            if (!again.Keys.SequenceEqual(loaded.Keys)) return "a second load gave other keys";
            var dense = loaded.ToDictionary(kv => kv.Key, kv => kv.Value.contiguous());
            try
            {
                foreach (var (key, value) in dense)
                {
                    if (!Same(value, again[key])) return $"a second load gave other values for '{key}'";
                }
                string saved = Path.Combine(_folder, "saved.safetensors");
                SafeTensors.Save(dense, saved);
                using var reloaded = SafeTensors.Load(saved);
                if (!reloaded.Keys.SequenceEqual(dense.Keys)) return "the round trip changed the keys";
                foreach (var (key, value) in dense)
                {
                    if (!Same(value, reloaded[key])) return $"the round trip changed '{key}'";
                }
                return null;
            }
            finally
            {
                foreach (var t in dense.Values) t.Dispose();
            }
        }
        catch (Exception ex)
        {
            return $"round trip: {ex.GetType().Name}: {FirstLine(ex.Message)}";
        }
    }

    private static bool Same(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var ca = a.contiguous();
        using var cb = b.contiguous();
        return ca.bytes.SequenceEqual(cb.bytes);
    }

    private static string FirstLine(string message) => message.Split('\n')[0];

    // ---- mutations ----

    private static byte[] Mutate(string kind, byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (kind)
        {
            case "bitflip":
                for (int n = random.Next(1, 9); n > 0; n--) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case "byterun":
            {
                int at = random.Next(bytes.Length), length = Math.Min(random.Next(1, 65), bytes.Length - at);
                byte fill = new byte[] { 0x00, 0xFF, 0x7F, 0x80, (byte)random.Next(256) }[random.Next(5)];
                bytes.AsSpan(at, length).Fill(fill);
                return bytes;
            }
            case "truncate":
                return bytes[..random.Next(bytes.Length)];
            case "splice":
            {
                int at = random.Next(bytes.Length);
                if (random.Next(2) == 0) return [.. bytes[..at], .. bytes[Math.Min(bytes.Length, at + random.Next(1, 33))..]];
                var inserted = new byte[random.Next(1, 33)];
                random.NextBytes(inserted);
                return [.. bytes[..at], .. inserted, .. bytes[at..]];
            }
            case "header-length":
            {
                ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
                ulong[] lies = [0, 1, n - 1, n + 1, n + 8, (ulong)bytes.Length, 100_000_000, 1UL << 40, 1UL << 62, ulong.MaxValue, long.MaxValue];
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, lies[random.Next(lies.Length)]);
                return bytes;
            }
            case "json-number": return MutateJson(bytes, random, MutateNumber);
            case "json-token": return MutateJson(bytes, random, MutateToken);
            case "json-duplicate": return MutateJson(bytes, random, DuplicateEntry);
            case "pickle-opcode": return MutatePickle(bytes, random, opcode: true);
            case "pickle-int": return MutatePickle(bytes, random, opcode: false);
            case "zip-central": return Zip.LieInCentralDirectory(bytes, random);
            case "zip-eocd": return Zip.LieInEndRecord(bytes, random);
            case "zip-duplicate": return Zip.DuplicateName(bytes, random);
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>Rewrites the JSON header of a safetensors file, keeping its length field true so the JSON is parsed.</summary>
    private static byte[] MutateJson(byte[] bytes, Random random, Func<string, Random, string> mutate)
    {
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string json = Encoding.UTF8.GetString(bytes, 8, length);
        var header = Encoding.UTF8.GetBytes(mutate(json, random));
        var result = new byte[8 + header.Length + bytes.Length - 8 - length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)header.Length);
        header.CopyTo(result, 8);
        bytes.AsSpan(8 + length).CopyTo(result.AsSpan(8 + header.Length));
        return result;
    }

    private static readonly string[] HugeNumbers = ["0", "-1", "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551616", "1e400", "1.5", "-9223372036854775808", "4611686018427387904"];

    private static string MutateNumber(string json, Random random)
    {
        var numbers = System.Text.RegularExpressions.Regex.Matches(json, "-?[0-9]+");
        if (numbers.Count == 0) return json;
        var m = numbers[random.Next(numbers.Count)];
        return json[..m.Index] + HugeNumbers[random.Next(HugeNumbers.Length)] + json[(m.Index + m.Length)..];
    }

    private static readonly string[] Tokens = ["\"F32\"", "\"F16\"", "\"I64\"", "\"BOOL\"", "\"F8_E4M3\"", "\"XX\"", "null", "[]", "{}", "[0,0]", "\"\\ud800\"", "\"\"", "[-1]", "[1,2,3]"];

    private static string MutateToken(string json, Random random)
    {
        int at = random.Next(json.Length);
        return random.Next(3) switch
        {
            0 => json[..at] + json[Math.Min(json.Length, at + 1)..], // drop a character
            1 => json[..at] + Tokens[random.Next(Tokens.Length)] + json[at..],
            _ => ReplaceValue(json, random),
        };
    }

    private static string ReplaceValue(string json, Random random)
    {
        var values = System.Text.RegularExpressions.Regex.Matches(json, "\"[A-Z0-9_]+\"|\\[[0-9, ]*\\]");
        if (values.Count == 0) return json;
        var m = values[random.Next(values.Count)];
        return json[..m.Index] + Tokens[random.Next(Tokens.Length)] + json[(m.Index + m.Length)..];
    }

    private static string DuplicateEntry(string json, Random random)
    {
        // Repeats the first tensor entry ("name":{...}) at the end of the object: one name, two meanings.
        int open = json.IndexOf('{', 1);
        int close = open < 0 ? -1 : json.IndexOf('}', open);
        int start = open < 0 ? -1 : json.LastIndexOf('"', json.LastIndexOf('"', open - 1) - 1);
        if (start < 1 || close < 0) return json;
        string entry = json[start..(close + 1)];
        return json[..^1] + "," + entry + "}";
    }

    /// <summary>Mutates the pickle inside a torch.save zip (stored uncompressed), fixing the entry's CRC so the mutation
    /// reaches the unpickler: an opcode replaced by another, or a 4-byte integer argument made extreme.</summary>
    private static byte[] MutatePickle(byte[] bytes, Random random, bool opcode)
    {
        if (Zip.Find(bytes, "data.pkl") is not { } entry || entry.Length < 2) return bytes;
        int at = entry.Data + random.Next(entry.Length);
        if (opcode)
        {
            const string opcodes = "().0123456789:=BGIJKLMNPQRSTUVX]abcdeghijklmopqrstu}\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e\u008f\u0090\u0091\u0092\u0093\u0094\u0095";
            bytes[at] = (byte)opcodes[random.Next(opcodes.Length)];
        }
        else if (at + 4 <= entry.Data + entry.Length)
        {
            int[] values = [0, -1, int.MaxValue, int.MinValue, 1 << 30, 65_536, random.Next()];
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), values[random.Next(values.Length)]);
        }
        Zip.FixCrc(bytes, entry);
        return bytes;
    }

    /// <summary>Just enough of the zip format to lie in it.</summary>
    private static class Zip
    {
        public readonly record struct Entry(string Name, int Local, int Central, int Data, int Length);

        public static List<Entry> Entries(byte[] z)
        {
            var entries = new List<Entry>();
            int eocd = z.AsSpan().LastIndexOf("PK\u0005\u0006"u8);
            if (eocd < 0 || eocd + 22 > z.Length) return entries;
            int at = BinaryPrimitives.ReadInt32LittleEndian(z.AsSpan(eocd + 16));
            while (at >= 0 && at + 46 <= z.Length && BinaryPrimitives.ReadUInt32LittleEndian(z.AsSpan(at)) == 0x02014b50)
            {
                int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(z.AsSpan(at + 28));
                int extra = BinaryPrimitives.ReadUInt16LittleEndian(z.AsSpan(at + 30));
                int comment = BinaryPrimitives.ReadUInt16LittleEndian(z.AsSpan(at + 32));
                int local = BinaryPrimitives.ReadInt32LittleEndian(z.AsSpan(at + 42));
                int size = BinaryPrimitives.ReadInt32LittleEndian(z.AsSpan(at + 20));
                if (at + 46 + nameLength > z.Length || local < 0 || local + 30 > z.Length) break;
                string name = Encoding.UTF8.GetString(z, at + 46, nameLength);
                int data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(z.AsSpan(local + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(z.AsSpan(local + 28));
                entries.Add(new Entry(name, local, at, data, Math.Max(0, Math.Min(size, z.Length - data))));
                at += 46 + nameLength + extra + comment;
            }
            return entries;
        }

        public static Entry? Find(byte[] z, string suffix) => Entries(z).Where(e => e.Name.EndsWith(suffix, StringComparison.Ordinal)).Select(e => (Entry?)e).FirstOrDefault();

        private static readonly uint[] Lies = [0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 1 << 20, 1 << 30];

        public static byte[] LieInCentralDirectory(byte[] z, Random random)
        {
            var entries = Entries(z);
            if (entries.Count == 0) return z;
            var e = entries[random.Next(entries.Count)];
            // compressed size, uncompressed size, name length, extra length, local header offset, method, crc
            int[] fields = [20, 24, 28, 30, 42, 10, 16];
            int field = fields[random.Next(fields.Length)];
            uint lie = random.Next(2) == 0 ? Lies[random.Next(Lies.Length)] : (uint)random.Next(z.Length + 100);
            if (field is 28 or 30 or 10) BinaryPrimitives.WriteUInt16LittleEndian(z.AsSpan(e.Central + field), (ushort)lie);
            else BinaryPrimitives.WriteUInt32LittleEndian(z.AsSpan(e.Central + field), lie);
            return z;
        }

        public static byte[] LieInEndRecord(byte[] z, Random random)
        {
            int eocd = z.AsSpan().LastIndexOf("PK\u0005\u0006"u8);
            if (eocd < 0 || eocd + 22 > z.Length) return z;
            // entries on disk, total entries, directory size, directory offset
            int[] fields = [8, 10, 12, 16];
            int field = fields[random.Next(fields.Length)];
            uint lie = random.Next(2) == 0 ? Lies[random.Next(Lies.Length)] : (uint)random.Next(z.Length + 100);
            if (field < 12) BinaryPrimitives.WriteUInt16LittleEndian(z.AsSpan(eocd + field), (ushort)lie);
            else BinaryPrimitives.WriteUInt32LittleEndian(z.AsSpan(eocd + field), lie);
            return z;
        }

        /// <summary>Gives one entry the name of another of the same name length (in its local header and central
        /// record): torch.load would read one of them, so a reader must refuse the archive.</summary>
        public static byte[] DuplicateName(byte[] z, Random random)
        {
            var entries = Entries(z);
            var pairs = (from a in entries from b in entries where a.Central != b.Central && a.Name.Length == b.Name.Length && a.Name != b.Name select (a, b)).ToList();
            if (pairs.Count == 0) return z;
            var (from, to) = pairs[random.Next(pairs.Count)];
            var name = Encoding.UTF8.GetBytes(to.Name);
            name.CopyTo(z, from.Central + 46);
            name.CopyTo(z, from.Local + 30);
            return z;
        }

        public static void FixCrc(byte[] z, Entry e)
        {
            uint crc = Crc32(z.AsSpan(e.Data, e.Length));
            BinaryPrimitives.WriteUInt32LittleEndian(z.AsSpan(e.Local + 14), crc);
            BinaryPrimitives.WriteUInt32LittleEndian(z.AsSpan(e.Central + 16), crc);
        }

        private static uint Crc32(ReadOnlySpan<byte> data)
        {
            uint crc = 0xFFFFFFFF;
            foreach (byte b in data)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
            return ~crc;
        }
    }

    /// <summary>A stream that cannot seek and hands out at most 4 KB per read, as a socket would: a reader may not learn
    /// the input's length in advance, and may not allocate what a header claims before the bytes arrive.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, 4096), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
