using TorchModel.Internal.Checkpoints;

namespace TorchModel.Tests.Checkpoints;

/// <summary>model.LoadSafeTensors streams the file into the model's own memory; where it cannot (another dtype, a
/// non-contiguous or CUDA target) it goes through bounded staging chunks. Both paths must give exactly what
/// LoadStateDict(SafeTensors.Load(path)) — PyTorch's copy_ semantics — gives.</summary>
public class SafeTensorsStreamingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tm-stream-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A module whose state has every awkward target: another dtype than the file's, a non-contiguous buffer,
    /// a 0-dim buffer fed by a 1-dim entry, an integer buffer.</summary>
    private sealed class Awkward : nn.Module
    {
        public Awkward() : base(nameof(Awkward))
        {
            register_parameter("w", new Parameter(zeros(3, 5)));
            register_buffer("t", zeros(4, 6).t());
            register_buffer("s", tensor(0.0f));
            register_parameter("h", new Parameter(zeros(7, dtype: ScalarType.Float16)));
            register_buffer("n", zeros(5, dtype: ScalarType.Int64));
            register_parameter("big", new Parameter(zeros(33, 17)));
        }
    }

    private string WriteAwkwardFile()
    {
        manual_seed(7);
        var tensors = new Dictionary<string, Tensor>
        {
            ["big"] = randn(33, 17) * 1e3,                          // float32 into float32: the direct path (unless forced)
            ["w"] = randn(3, 5, dtype: ScalarType.Float64) * 1e5,  // float64 into float32: rounding by copy_
            ["t"] = randn(6, 4),                                  // into a transposed (non-contiguous) buffer
            ["s"] = tensor(new[] { 2.5f, 9f }),                   // [2] into a 0-dim buffer: its first element
            ["h"] = tensor(new[] { 1f, -2f, 1e5f, 0.1f, 3e-8f, -7e4f, 65519f }).to_type(ScalarType.BFloat16), // into float16: inf and rounding as copy_ does
            ["n"] = tensor(new[] { 1.9, -1.9, 1e10, 0.5, -0.5 }), // float64 into int64: truncation as copy_ does
        };
        string path = Path.Combine(_folder, "awkward.safetensors");
        SafeTensors.Save(tensors, path);
        foreach (var t in tensors.Values) t.Dispose();
        return path;
    }

    [Theory]
    [InlineData(false, StagingBuffers.DefaultBytes)]
    [InlineData(true, StagingBuffers.DefaultBytes)]
    [InlineData(true, 8)]
    [InlineData(true, 40)]
    [InlineData(false, 24)]
    public void StreamedLoad_EqualsLoadStateDictOfLoadedTensors(bool forceStaging, long stagingBytes)
    {
        string path = WriteAwkwardFile();
        using var reference = new Awkward();
        using (var loaded = SafeTensors.Load(path)) reference.LoadStateDict(loaded);
        using var model = new Awkward();
        SafeTensorsModuleLoader.Load(model, path, strict: true, forceStaging, stagingBytes).AllKeysMatched.ShouldBeTrue();

        using var expected = reference.StateDict();
        using var actual = model.StateDict();
        actual.Keys.ShouldBe(expected.Keys);
        foreach (var key in expected.Keys)
        {
            actual[key].dtype.ShouldBe(expected[key].dtype, key);
            actual[key].Equals(expected[key]).ShouldBeTrue(key);
        }
        model.get_buffer("t")!.is_contiguous().ShouldBeFalse("the buffer keeps its layout");
        ((float)model.get_buffer("s")!.item<float>()).ShouldBe(2.5f);
        float.IsPositiveInfinity(((Tensor)model.get_parameter("h")!).abs().max().to_type(ScalarType.Float32).item<float>()).ShouldBeTrue("copy_ overflows float16 to inf");
        model.get_buffer("n")!.data<long>().ToArray()[..2].ShouldBe([1L, -1L]);
    }

    [Fact]
    public void LoadSafeTensors_KeepsTheModelsTensorObjects()
    {
        string path = WriteAwkwardFile();
        using var model = new Awkward();
        var before = model.parameters().Select(p => p.Handle).ToArray();
        model.LoadSafeTensors(path);
        model.parameters().Select(p => p.Handle).ToArray().ShouldBe(before);
    }

    [Fact]
    public void TiedWeights_TakeTheValueOfTheKeyPyTorchCopiesLast()
    {
        using var reference = Tied();
        using var model = Tied();
        string path = Path.Combine(_folder, "tied.safetensors");
        using (var a = full(6, 1f)) using (var b = full(6, 2f))
            SafeTensors.Save(new Dictionary<string, Tensor> { ["0.weight"] = a.reshape(2, 3), ["1.weight"] = b.reshape(2, 3) }, path);
        using (var loaded = SafeTensors.Load(path)) reference.LoadStateDict(loaded);
        model.LoadSafeTensors(path);
        using var expected = reference.StateDict();
        using var actual = model.StateDict();
        actual["0.weight"].Equals(expected["0.weight"]).ShouldBeTrue();
        actual["0.weight"][0, 0].item<float>().ShouldBe(2f);

        static Module Tied()
        {
            var first = nn.Linear(3, 2, hasBias: false);
            var second = nn.Linear(3, 2, hasBias: false);
            second.weight = first.weight;
            return nn.Sequential(first, second);
        }
    }

    [Fact]
    public void MismatchedFile_SameErrorAsLoadStateDict_ModelUnchanged()
    {
        string path = WriteAwkwardFile();
        using var model = nn.Sequential(nn.Linear(5, 3));
        using var snapshot = model.StateDict();
        var copies = snapshot.ToDictionary(e => e.Key, e => e.Value.clone());
        string expected;
        using (var loaded = SafeTensors.Load(path))
            expected = Should.Throw<StateDictLoadException>(() => model.LoadStateDict(loaded)).Message;
        Should.Throw<StateDictLoadException>(() => model.LoadSafeTensors(path)).Message.ShouldBe(expected);
        using var after = model.StateDict();
        foreach (var (key, value) in copies) after[key].Equals(value).ShouldBeTrue(key);
        IncompatibleKeys nonStrict;
        using (var loaded = SafeTensors.Load(path))
        using (var other = nn.Sequential(nn.Linear(5, 3)))
            nonStrict = other.LoadStateDict(loaded, strict: false);
        model.LoadSafeTensors(path, strict: false).ShouldBe(nonStrict);
    }

    /// <summary>What cannot be validated up front: the file ends (another process truncated it) or the disk fails while
    /// the bytes are streamed in. Pinned: entries before the failing one in file order hold the file's values, the
    /// failing one holds the file's bytes up to the failure, later ones are unchanged.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FailureWhileStreaming_LeavesTheDocumentedPartialState(bool ioError)
    {
        string path = Path.Combine(_folder, "abc.safetensors");
        using (var va = full(1000, 1f)) using (var vb = full(1000, 2f)) using (var vc = full(1000, 3f))
            SafeTensors.Save(new Dictionary<string, Tensor> { ["a"] = va, ["b"] = vb, ["c"] = vc }, path);
        using var model = new ThreeVectors();
        long dataStart;
        using (var probe = SafeTensorsModuleLoader.Source.Open(path)) dataStart = probe.DataStart;
        long failAt = dataStart + 4000 + 4 * 250; // 250 elements into "b"

        var stream = new FailingStream(File.OpenRead(path), failAt, ioError);
        var header = SafeTensorsHeader.Read(stream, stream.Length);
        using var source = new SafeTensorsModuleLoader.Source(path, stream, header, stream.Position);
        var keys = header.Entries.Select((e, i) => new SafeTensorsModuleLoader.KeyLocation(e.Name, 0, i)).ToList();

        if (ioError)
            Should.Throw<IOException>(() => SafeTensorsModuleLoader.Load(model, [source], keys, strict: true));
        else
            Should.Throw<CheckpointFormatException>(() => SafeTensorsModuleLoader.Load(model, [source], keys, strict: true))
                .Message.ShouldContain("The model is partially loaded");

        model.get_parameter("a")!.data<float>().ToArray().ShouldAllBe(v => v == 1f);
        var b = model.get_parameter("b")!.data<float>().ToArray();
        b[..250].ShouldAllBe(v => v == 2f);
        b[250..].ShouldAllBe(v => v == 0f);
        model.get_parameter("c")!.data<float>().ToArray().ShouldAllBe(v => v == 0f);
    }

    private sealed class ThreeVectors : nn.Module
    {
        public ThreeVectors() : base(nameof(ThreeVectors))
        {
            register_parameter("a", new Parameter(zeros(1000)));
            register_parameter("b", new Parameter(zeros(1000)));
            register_parameter("c", new Parameter(zeros(1000)));
        }
    }

    /// <summary>Claims the file's full length but ends (or throws) at a given position, as a file truncated by another process does.</summary>
    private sealed class FailingStream(FileStream inner, long failAt, bool ioError) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            long left = failAt - inner.Position;
            if (left <= 0)
            {
                if (ioError) throw new IOException("Input/output error (simulated)");
                return 0;
            }
            return inner.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
