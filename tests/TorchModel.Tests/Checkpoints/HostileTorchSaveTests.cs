using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.Checkpoints;

/// <summary>Hostile torch.save files (issues #11, #18): each refused with a specific <see cref="CheckpointFormatException"/>,
/// in bounded time and memory, nothing executed, the model untouched.</summary>
public class HostileTorchSaveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tm-hostile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Archive(byte[] pickle, bool deflate = false, params (string Name, byte[] Data)[] extra)
    {
        string path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".pt");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            var entry = zip.CreateEntry("archive/data.pkl", deflate ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using (var s = entry.Open()) s.Write(pickle);
            foreach (var (name, data) in extra)
            {
                using var s = zip.CreateEntry("archive/" + name, CompressionLevel.NoCompression).Open();
                s.Write(data);
            }
        }
        return path;
    }

    private static byte[] Pickle(params object[] parts)
    {
        var bytes = new List<byte> { 0x80, 2 };
        foreach (var p in parts)
        {
            switch (p)
            {
                case string s: bytes.AddRange(Encoding.Latin1.GetBytes(s)); break;
                case byte b: bytes.Add(b); break;
                case byte[] a: bytes.AddRange(a); break;
                default: throw new ArgumentException(p.ToString());
            }
        }
        bytes.Add((byte)'.');
        return bytes.ToArray();
    }

    private static string Str(string s) => "X" + Encoding.Latin1.GetString(BitConverter.GetBytes(s.Length)) + s;

    /// <summary>Runs a load that must be refused; returns the message, asserting time and managed allocation bounds.</summary>
    private static string Refused(Action load, double seconds = 2, long bytes = 64L << 20)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        var ex = Should.Throw<CheckpointFormatException>(load);
        watch.Elapsed.TotalSeconds.ShouldBeLessThan(seconds, ex.Message);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBeLessThan(bytes, ex.Message);
        return ex.Message;
    }

    [Fact]
    public void ForbiddenGlobalAtDepth_IsRefusedNamingItsPlace()
    {
        // {"model": {"a": [os.system("id")]}}
        var pickle = Pickle("}(", Str("model"), "}(", Str("a"), "](", "cos\nsystem\n", Str("id"), (byte)0x85, "Re", "us", "u");
        string message = Refused(() => PyTorchCheckpoint.Read(Archive(pickle)));
        message.ShouldStartWith("Refusing to load the torch.save checkpoint: it refers to the Python global 'os.system' (at ['model']['a'][0])");
    }

    [Theory]
    [InlineData("builtins", "eval")]
    [InlineData("torch.nn.modules.linear", "Linear")]
    [InlineData("numpy.core.multiarray", "_reconstruct")]
    [InlineData("collections", "defaultdict")]
    public void EveryOtherGlobal_IsRefused(string module, string name)
    {
        var pickle = Pickle("}(", Str("k"), $"c{module}\n{name}\n", ")R", "u");
        Refused(() => PyTorchCheckpoint.Read(Archive(pickle))).ShouldContain($"'{module}.{name}' (at ['k'])");
    }

    [Fact]
    public void MillionEmptyDicts_AreRefusedByTheStackBound()
    {
        var pickle = Pickle(new string('}', 1 << 20));
        Refused(() => PyTorchCheckpoint.Read(Archive(pickle))).ShouldContain("more than 100000 values on the pickle stack");
    }

    [Fact]
    public void DeflatedPickleOf67MillionEmptyDicts_IsRefusedFast()
    {
        var pickle = Pickle(new string('}', 67_108_864));
        string path = Archive(pickle, deflate: true);
        new FileInfo(path).Length.ShouldBeLessThan(200_000);
        Refused(() => PyTorchCheckpoint.Read(path)).ShouldContain("more than 100000 values on the pickle stack");
    }

    [Fact]
    public void MillionEmptyDictsAppendedToAList_AreRefusedByTheTreeBudget()
    {
        // "]" then 2 bytes per dict ("}a"): every dict stays alive in the list, so only the tree budget can stop it.
        var sb = new StringBuilder("]");
        for (int i = 0; i < 3_000_000; i++) sb.Append("}a");
        Refused(() => PyTorchCheckpoint.Read(Archive(Pickle(sb.ToString()))), seconds: 5, bytes: 256L << 20)
            .ShouldContain("object tree larger than the reader's limit");
    }

    [Theory]
    [InlineData(16_000)]
    [InlineData(64_000)]
    public void CollidingIntKeys_BuildInLinearTime(int count)
    {
        // Keys (i << 32) | i all have long.GetHashCode() == 0.
        var parts = new List<object> { "}" };
        for (long i = 1; i <= count; i++)
        {
            if (i % 1000 == 1) parts.Add("("); // batches of 1000 SETITEMS, as Python's pickler writes them
            var key = new byte[10];
            key[0] = 0x8a;
            key[1] = 8;
            BinaryPrimitives.WriteInt64LittleEndian(key.AsSpan(2), (i << 32) | i);
            parts.Add(key);
            parts.Add("N");
            if (i % 1000 == 0 || i == count) parts.Add("u");
        }
        var watch = Stopwatch.StartNew();
        using var tree = PyTorchCheckpoint.Read(Archive(Pickle([.. parts])));
        watch.Elapsed.TotalSeconds.ShouldBeLessThan(2);
        tree.Root.Count.ShouldBe(count);
        tree.Root[(5L << 32) | 5].IsNone.ShouldBeTrue();
    }

    [Fact]
    public void NestingBomb_IsRefusedByTheStackBound()
        => Refused(() => PyTorchCheckpoint.Read(Archive(Pickle(new string(']', 200_000))))).ShouldContain("pickle stack");

    [Fact]
    public void MarkBomb_IsRefusedByTheMarkBound()
        => Refused(() => PyTorchCheckpoint.Read(Archive(Pickle(new string('(', 200_000))))).ShouldContain("more than 100000 marks");

    [Fact]
    public void SelfContainingList_IsRefused()
        => Refused(() => PyTorchCheckpoint.Read(Archive(Pickle("]q\u0000h\u0000a")))).ShouldContain("contains itself");

    [Fact]
    public void MemoReadOfAnUnstoredEntry_IsRefused()
        => Refused(() => PyTorchCheckpoint.Read(Archive(Pickle("j\xff\xff\xff\x7f")))).ShouldContain("memo entry 2147483647, which it never stored");

    [Fact]
    public void HugeInteger_IsRefused()
    {
        var big = new byte[5 + 5000];
        big[0] = 0x8b;
        BinaryPrimitives.WriteInt32LittleEndian(big.AsSpan(1), 5000);
        Refused(() => PyTorchCheckpoint.Read(Archive(Pickle(big)))).ShouldContain("integer of 5000 bytes, over the 1024-byte limit");
    }

    private static byte[] TensorPickle(string numel, string size, string stride)
        => Pickle("ctorch._utils\n_rebuild_tensor_v2\n((", Str("storage"), "ctorch\nFloatStorage\n", Str("0"), Str("cpu"), numel, "tQ", "K\x00", size, stride,
                  "\u0089ccollections\nOrderedDict\n)RtR");

    private static string Long1(long v) => "\x8a\x08" + Encoding.Latin1.GetString(BitConverter.GetBytes(v));

    [Fact]
    public void StorageWhoseByteSizeOverflows_IsRefusedBeforeLibtorch()
    {
        var pickle = TensorPickle(Long1((1L << 62) + 2), "K\x02\x85", "K\x01\x85");
        Refused(() => PyTorchCheckpoint.Read(Archive(pickle, false, ("data/0", new byte[8])))).ShouldContain("impossible size of 4611686018427387906 elements");
    }

    [Fact]
    public void ViewWhoseNumelOverflows_IsRefusedBeforeLibtorch()
    {
        var pickle = TensorPickle("K\x04", "(" + Long1(1L << 40) + Long1(1L << 40) + "K\x00t", "(K\x01K\x01K\x01t");
        Refused(() => PyTorchCheckpoint.Read(Archive(pickle, false, ("data/0", new byte[16])))).ShouldContain("whose product overflows 64 bits");
    }

    [Fact]
    public void ViewPastItsStorage_IsRefused()
    {
        var pickle = TensorPickle("K\x04", "K\x03\x85", "K\x02\x85");
        Refused(() => PyTorchCheckpoint.Read(Archive(pickle, false, ("data/0", new byte[16])))).ShouldContain("reaches element 4 of storage '0', which has 4");
    }

    private string ValidFile()
    {
        string path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".pt");
        File.Copy(CheckpointGolden.Fixture("tied.pt"), path);
        return path;
    }

    /// <summary>Offsets of every central directory record in a zip file.</summary>
    private static List<int> CentralRecords(byte[] zip)
    {
        var result = new List<int>();
        for (int i = 0; i + 4 <= zip.Length; i++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == 0x02014b50) result.Add(i);
        return result;
    }

    [Fact]
    public void DuplicateEntryNames_AreRefused()
    {
        string path = ValidFile();
        var bytes = File.ReadAllBytes(path);
        // Rename entry data/1 to data/0 in both its local header and central record.
        string text = Encoding.Latin1.GetString(bytes).Replace("tied/data/1", "tied/data/0");
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(text));
        Refused(() => PyTorchCheckpoint.Read(path)).ShouldContain("two entries named tied/data/0");
    }

    [Fact]
    public void EntriesPointingAtOneLocalHeader_AreRefusedAsOverlapping()
    {
        string path = ValidFile();
        var bytes = File.ReadAllBytes(path);
        var records = CentralRecords(bytes);
        // Point every data/N record at the local header of data/0 (as a zip whose records share one big storage).
        int offsetOfData0 = -1;
        foreach (int r in records)
        {
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(r + 28));
            string name = Encoding.ASCII.GetString(bytes, r + 46, nameLength);
            if (name == "tied/data/0") offsetOfData0 = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(r + 42));
        }
        foreach (int r in records)
        {
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(r + 28));
            if (Encoding.ASCII.GetString(bytes, r + 46, nameLength).StartsWith("tied/data/"))
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(r + 42), offsetOfData0);
        }
        File.WriteAllBytes(path, bytes);
        Refused(() => PyTorchCheckpoint.Read(path)).ShouldContain("the local header of tied/data/1 names another entry");
    }

    [Fact]
    public void CentralOffsetLie_IsRefused()
    {
        string path = ValidFile();
        var bytes = File.ReadAllBytes(path);
        int end = bytes.Length - 22;
        while (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end)) != 0x06054b50) end--;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(end + 16), 0x7FFFFFFF); // the central directory's offset
        File.WriteAllBytes(path, bytes);
        Refused(() => PyTorchCheckpoint.Read(path)).ShouldContain("lies outside the archive");
    }

    [Fact]
    public void Zip64SizeOfMinusTwoToThe63_IsRefused()
    {
        string path = Path.Combine(_folder, "zip64.pt");
        using (var model = new TiedLM()) model.SavePyTorch(path);
        var bytes = File.ReadAllBytes(path);
        foreach (int r in CentralRecords(bytes))
        {
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(r + 28));
            if (Encoding.ASCII.GetString(bytes, r + 46, nameLength) != "zip64/data/0") continue;
            // Replace the (empty) extra field with a zip64 one claiming size -2^63 is impossible in place; instead mark
            // the sizes as zip64 and turn the record's alignment-free extra into a lying zip64 field of its own length.
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(r + 20), 0xFFFFFFFF);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(r + 24), 0xFFFFFFFF);
        }
        File.WriteAllBytes(path, bytes);
        Refused(() => PyTorchCheckpoint.Read(path)).ShouldContain("lacks the zip64 field");
    }

    [Fact]
    public void HostileFile_LeavesTheModelUntouched()
    {
        using var model = new TiedLM();
        using var before = model.StateDict();
        var copies = before.ToDictionary(e => e.Key, e => e.Value.clone());
        string path = ValidFile();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^30]);
        Should.Throw<CheckpointFormatException>(() => model.LoadPyTorch(path));
        using var after = model.StateDict();
        foreach (var (name, t) in after) t.SameAs(copies[name]).ShouldBeTrue(name);
    }
}
