using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace TorchModel.Tests.Checkpoints;

/// <summary>Issue #18, safetensors side: every malformed input is a <see cref="CheckpointFormatException"/> (never libtorch's
/// error), time and memory are bounded by the input, and what Save writes Load reads.</summary>
public class SafeTensorsHostileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tm-st-hostile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("[0, 4294967296, 4294967296]")]
    [InlineData("[4294967296, 4294967296, 0]")]
    [InlineData("[0, 9223372036854775807, 2]")]
    [InlineData("[2305843009213693952]")]
    public void ShapeWhoseStridesOrBytesOverflow_IsAFormatError_NotLibtorchs(string shape)
    {
        var bytes = File(Header($$$"""{"a":{"dtype":"F32","shape":{{{shape}}},"data_offsets":[0,0]}}"""));
        string path = Write(bytes);
        Should.Throw<CheckpointFormatException>(() => SafeTensors.Load(path)).Message.ShouldContain("too large to address");
        Should.Throw<CheckpointFormatException>(() => SafeTensors.Load(new ForwardOnlyStream(bytes))).Message.ShouldContain("too large to address");
        using var model = nn.Linear(2, 2);
        Should.Throw<CheckpointFormatException>(() => model.LoadSafeTensors(path)).Message.ShouldContain("too large to address");
    }

    [Fact]
    public void FiftyThousandTinyTensors_LoadInLinearTime()
    {
        const int count = 50_000;
        var json = new StringBuilder("{");
        for (int i = 0; i < count; i++)
            json.Append(i == 0 ? "" : ",").Append($"\"t{i}\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[{4 * i},{4 * i + 4}]}}");
        json.Append('}');
        string path = Write(File(Header(json.ToString()), 4 * count));
        var clock = Stopwatch.StartNew();
        using (var state = SafeTensors.Load(path)) state.Count.ShouldBe(count);
        SafeTensors.ReadMetadata(path).Count.ShouldBe(0);
        // A bound, not a benchmark: a quadratic path over 50,000 entries takes minutes, the linear one well under a second of its own work.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void StreamClaimingAHugeHeader_AllocatesOnlyWhatArrived()
    {
        var bytes = new byte[40];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 100L << 20);
        "{\"a\":"u8.CopyTo(bytes.AsSpan(8));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Should.Throw<CheckpointFormatException>(() => SafeTensors.Load(new ForwardOnlyStream(bytes)))
            .Message.ShouldBe("Invalid safetensors file: the file ends after 32 of the header's 104857600 bytes.");
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBeLessThan(1L << 20);
    }

    [Fact]
    public void StreamClaimingATerabyteTensor_IsAFormatError_WithoutAllocatingIt()
    {
        var bytes = File(Header("""{"a":{"dtype":"F32","shape":[274877906944],"data_offsets":[0,1099511627776]}}"""), 16);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Should.Throw<CheckpointFormatException>(() => SafeTensors.Load(new ForwardOnlyStream(bytes)))
            .Message.ShouldStartWith("Invalid safetensors file: the file ends inside the data of tensor 'a'");
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBeLessThan(64L << 20);
    }

    public static TheoryData<string, Dictionary<string, string>?, string> LoneSurrogates => new()
    {
        { "w\ud800", null, "tensor name" },
        { "w", new() { ["k\udc00"] = "v" }, "metadata key" },
        { "w", new() { ["k"] = "\ud83d" }, "metadata value of 'k'" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public void Save_RefusesWhatUtf8CannotCarry_AndWritesNothing(string name, Dictionary<string, string>? metadata, string what)
    {
        string path = Path.Combine(_folder, "x.safetensors");
        using var t = ones(2);
        var error = Should.Throw<ArgumentException>(() => SafeTensors.Save(new Dictionary<string, Tensor> { [name] = t }, path, metadata));
        error.Message.ShouldContain($"The {what}");
        error.Message.ShouldContain("unpaired UTF-16 surrogate");
        Directory.GetFiles(_folder).ShouldBeEmpty();
    }

    [Fact]
    public void Save_SurrogatePairs_RoundTrip()
    {
        string path = Path.Combine(_folder, "x.safetensors");
        using var t = ones(2);
        SafeTensors.Save(new Dictionary<string, Tensor> { ["w\ud83d\ude00"] = t }, path, new Dictionary<string, string> { ["\ud83d\ude00"] = "\u00e9\ud83d\ude00" });
        using var loaded = SafeTensors.Load(path);
        loaded.Keys.ShouldBe(["w\ud83d\ude00"]);
        SafeTensors.ReadMetadata(path)["\ud83d\ude00"].ShouldBe("\u00e9\ud83d\ude00");
    }

    [Fact]
    public void Save_HeaderOverTheReadLimit_IsRefusedBeforeWriting()
    {
        using var t = ones(2);
        var tensors = new Dictionary<string, Tensor> { [new string('k', 100)] = t };
        // The public Save checks against SafeTensorsHeader.MaxHeaderBytes, the limit Load reads with; a small limit
        // stands in for the 100 MB one here.
        Should.Throw<ArgumentException>(() => SafeTensors.Prepare(tensors, null, maxHeaderBytes: 64))
            .Message.ShouldStartWith("The safetensors header would be 184 bytes, over the 64-byte limit");
        SafeTensors.Prepare(tensors, null, global::TorchModel.Internal.Checkpoints.SafeTensorsHeader.MaxHeaderBytes).Header.Length.ShouldBe(184);
    }

    private string Write(byte[] bytes)
    {
        string path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".safetensors");
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Header(string json)
    {
        var bytes = new byte[8 + Encoding.UTF8.GetByteCount(json)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)(bytes.Length - 8));
        Encoding.UTF8.GetBytes(json, bytes.AsSpan(8));
        return bytes;
    }

    private static byte[] File(byte[] header, int dataBytes = 0) => [.. header, .. new byte[dataBytes]];

    /// <summary>A stream that can only be read forwards and does not know its length, like a network stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(count, bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }
    }
}
