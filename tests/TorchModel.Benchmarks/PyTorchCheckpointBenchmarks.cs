using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TorchModel;
using static TorchSharp.torch;

/// <summary>
/// Issue #13's torch.save rows: <c>model.LoadPyTorch(path)</c> into an already-built CPU model of eight 4096×4096
/// float32 Linear layers (a 537 MB file, read from the page cache after the warm-up) next to the raw floor,
/// <see cref="FileStream.ReadExactly(byte[], int, int)"/> of the same file into an existing <c>byte[]</c>; and
/// <c>model.SavePyTorch(path)</c> next to a raw <see cref="FileStream.Write(byte[], int, int)"/> of the same number of
/// bytes. Both writes end with <c>Flush(flushToDisk: true)</c>, the durability every checkpoint save here promises.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PyTorchCheckpointBenchmarks
{
    private string _folder = "";
    private string _path = "";
    private string _rawOut = "";
    private string _saveOut = "";
    private byte[] _buffer = [];
    private nn.Module _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("tm-bench-pt-").FullName;
        _path = Path.Combine(_folder, "model.pt");
        _rawOut = Path.Combine(_folder, "raw.bin");
        _saveOut = Path.Combine(_folder, "saved.pt");
        _model = nn.Sequential(Enumerable.Range(0, 8).Select(_ => (nn.Module<Tensor, Tensor>)nn.Linear(4096, 4096)).ToArray());
        _model.SavePyTorch(_path);
        _buffer = new byte[new FileInfo(_path).Length];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("load")]
    public int RawRead()
    {
        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        file.ReadExactly(_buffer);
        return _buffer.Length;
    }

    [Benchmark, BenchmarkCategory("load")]
    public int LoadPyTorch() => _model.LoadPyTorch(_path).MissingKeys.Count;

    [Benchmark(Baseline = true), BenchmarkCategory("save")]
    public int RawWrite()
    {
        using var file = new FileStream(_rawOut, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        file.Write(_buffer);
        file.Flush(flushToDisk: true);
        return _buffer.Length;
    }

    [Benchmark, BenchmarkCategory("save")]
    public int SavePyTorch()
    {
        _model.SavePyTorch(_saveOut);
        return 0;
    }
}
