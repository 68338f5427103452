using System.Buffers.Binary;
using System.Text;
using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Checkpoints;

public class SafeTensorsLoadTests
{
    [Theory]
    [InlineData("dtypes.safetensors")]
    [InlineData("batchnorm.safetensors")]
    [InlineData("nometadata.safetensors")]
    public void PythonWrittenFile_LoadsEveryValueInHeaderOrder(string file)
    {
        using var state = SafeTensors.Load(CheckpointGolden.Fixture(file));
        CheckpointGolden.ShouldMatch(state, file);
    }

    [Fact]
    public void NonSeekableStream_LoadsTheSameValues()
    {
        using var stream = new ForwardOnlyStream(System.IO.File.ReadAllBytes(CheckpointGolden.Fixture("dtypes.safetensors")));
        using var state = SafeTensors.Load(stream);
        CheckpointGolden.ShouldMatch(state, "dtypes.safetensors");
    }

    [Fact]
    public void Metadata_IsReadWithoutTensors()
    {
        var metadata = SafeTensors.ReadMetadata(CheckpointGolden.Fixture("dtypes.safetensors"));
        metadata.ShouldBe(new Dictionary<string, string> { ["format"] = "pt", ["note"] = "written by gen_checkpoints.py" });
        SafeTensors.ReadMetadata(CheckpointGolden.Fixture("nometadata.safetensors")).ShouldBeEmpty();
    }

    public static TheoryData<string, byte[], string> Hostile() => new()
    {
        { "empty file", [], "the file is 0 bytes long, too short for the 8-byte header length" },
        { "truncated length", [1, 0, 0], "the file is 3 bytes long, too short for the 8-byte header length" },
        { "header length beyond EOF", File(Header(1000, "{}")), "the header length 1000 runs past the end of the 10-byte file" },
        { "huge header length", File(Header(1UL << 40, "{}")), "the header length 1099511627776 exceeds the 104857600-byte limit" },
        { "max header length", File(Header(ulong.MaxValue, "{}")), "the header length 18446744073709551615 exceeds the 104857600-byte limit" },
        { "truncated header", File(Header(16, "{\"a\":")), "the header length 16 runs past the end of the 13-byte file" },
        { "invalid JSON", File(Header("{\"a\": {\"dtype\": \"F3")), "the header is not valid JSON" },
        { "not an object", File(Header("[1, 2]")), "the header is not a JSON object" },
        { "trailing JSON", File(Header("{} {}")), "the header is not valid JSON" },
        { "overlap", File(Header("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"""), 12), "tensor 'b' at data_offsets [4, 12] overlaps tensor 'a' at [0, 8]" },
        { "gap", File(Header("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"""), 12), "the data section has a gap of 4 bytes at offset 4, before tensor 'b'" },
        { "offsets past data", File(Header("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"""), 8), "tensor 'a' has data_offsets [0, 16] past the end of the 8-byte data section" },
        { "uncovered bytes", File(Header("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"""), 8), "the tensors cover 4 bytes but the data section holds 8" },
        { "unknown dtype", File(Header("""{"a":{"dtype":"Q9","shape":[1],"data_offsets":[0,4]}}"""), 4), "tensor 'a' has dtype 'Q9', which TorchModel does not read (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)" },
        { "unsupported dtype", File(Header("""{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"""), 1), "tensor 'a' has dtype 'F8_E4M3', which TorchModel does not read" },
        { "empty name", File(Header("""{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"""), 4), "a tensor has an empty name, which SafeTensors.Save refuses to write" },
        { "duplicate key", File(Header("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"""), 8), "the header names tensor 'a' more than once" },
        { "size mismatch", File(Header("""{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,8]}}"""), 8), "tensor 'a' of dtype F32 and shape [2, 2] needs 16 bytes but its data_offsets [0, 8] span 8" },
        { "huge shape", File(Header("""{"a":{"dtype":"F32","shape":[4000000000,4000000000,4000000000],"data_offsets":[0,4]}}"""), 4), "tensor 'a' has shape [4000000000, 4000000000, 4000000000], too large to address" },
        { "lying shape", File(Header("""{"a":{"dtype":"F64","shape":[100000,100000],"data_offsets":[0,8]}}"""), 8), "tensor 'a' of dtype F64 and shape [100000, 100000] needs 80000000000 bytes" },
        { "negative shape", File(Header("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"""), 4), "tensor 'a' has a \"shape\" that is not an array of non-negative integers" },
        { "reversed offsets", File(Header("""{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"""), 4), "tensor 'a' has data_offsets [4, 0] that end before they begin" },
        { "three offsets", File(Header("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"""), 8), "tensor 'a' has 3 data_offsets instead of 2 ([begin, end])" },
        { "missing dtype", File(Header("""{"a":{"shape":[1],"data_offsets":[0,4]}}"""), 4), "tensor 'a' lacks \"dtype\"" },
        { "entry not an object", File(Header("""{"a":[1]}""")), "the entry of tensor 'a' is not an object" },
        { "metadata not strings", File(Header("""{"__metadata__":{"format":1}}""")), "\"__metadata__\" entry 'format' is not a string" },
        { "deep nesting", File(Header("{\"a\":{\"x\":" + new string('[', 100) + new string(']', 100) + "}}")), "the header is not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileFile_GetsSpecificError(string scenario, byte[] bytes, string problem)
    {
        string path = Path.Combine(Path.GetTempPath(), "tm-hostile-" + Guid.NewGuid().ToString("N") + ".safetensors");
        System.IO.File.WriteAllBytes(path, bytes);
        try
        {
            var ex = Should.Throw<CheckpointFormatException>(() => SafeTensors.Load(path), scenario);
            ex.Message.ShouldStartWith("Invalid safetensors file: " + problem, customMessage: scenario);
            Should.Throw<CheckpointFormatException>(() => SafeTensors.Load(new MemoryStream(bytes)), scenario).Message.ShouldBe(ex.Message);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void TruncatedDataOnNonSeekableStream_GetsSpecificError()
    {
        var bytes = System.IO.File.ReadAllBytes(CheckpointGolden.Fixture("dtypes.safetensors"));
        using var stream = new ForwardOnlyStream(bytes[..^10]);
        var ex = Should.Throw<CheckpointFormatException>(() => SafeTensors.Load(stream));
        ex.Message.ShouldStartWith("Invalid safetensors file: the file ends inside the data of tensor 'u8' (data_offsets [141, 144])");
    }

    [Fact]
    public void TrailingBytesOnNonSeekableStream_GetsSpecificError()
    {
        var bytes = System.IO.File.ReadAllBytes(CheckpointGolden.Fixture("nometadata.safetensors"));
        using var stream = new ForwardOnlyStream([.. bytes, 0]);
        var ex = Should.Throw<CheckpointFormatException>(() => SafeTensors.Load(stream));
        ex.Message.ShouldBe("Invalid safetensors file: the data section continues past the 8 bytes the tensors cover.");
    }

    [Fact]
    public void TruncatedFixture_GetsSpecificError()
    {
        var bytes = System.IO.File.ReadAllBytes(CheckpointGolden.Fixture("batchnorm.safetensors"));
        var ex = Should.Throw<CheckpointFormatException>(() => SafeTensors.Load(new MemoryStream(bytes[..^3])));
        ex.Message.ShouldContain("past the end of the");
    }

    [Fact]
    public void NullArguments_Throw()
    {
        Should.Throw<ArgumentNullException>(() => SafeTensors.Load((string)null!)).ParamName.ShouldBe("path");
        Should.Throw<ArgumentNullException>(() => SafeTensors.Load((Stream)null!)).ParamName.ShouldBe("stream");
        Should.Throw<ArgumentNullException>(() => SafeTensors.ReadMetadata(null!)).ParamName.ShouldBe("path");
    }

    private static byte[] Header(string json) => Header((ulong)Encoding.UTF8.GetByteCount(json), json);

    private static byte[] Header(ulong length, string json)
    {
        var bytes = new byte[8 + Encoding.UTF8.GetByteCount(json)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        Encoding.UTF8.GetBytes(json, bytes.AsSpan(8));
        return bytes;
    }

    private static byte[] File(byte[] header, int dataBytes = 0) => [.. header, .. new byte[dataBytes]];

    /// <summary>A stream that can only be read forwards, like a network stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
