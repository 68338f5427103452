using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TorchModel;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// safetensors reading and writing on a 537 MB file (eight 4096×4096 float32 <c>Linear</c> layers with biases, the
/// layout of issue #13), each next to its floor in the same run: <c>FileStream.ReadExactly</c> of the whole file into an
/// existing <c>byte[]</c> of its size (category "read"), and <c>FileStream.Write</c> of the same bytes to a new file
/// (category "write", with and without <c>fsync</c>, because <see cref="SafeTensors.Save"/> flushes to disk before it
/// renames). Reads come from the page cache after the warm-up. Peak native memory, which MemoryDiagnoser does not see, is
/// measured by <see cref="MeasurePeakMemory"/>: <c>dotnet run -c Release --project tests/TorchModel.Benchmarks -- --peak-memory</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SafeTensorsBenchmarks
{
    private const int Layers = 8;
    private const int Width = 4096;

    private string _folder = "";
    private string _path = "";
    private string _half = "";
    private string _out = "";
    private byte[] _buffer = [];
    private nn.Module _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("tm-bench-").FullName;
        _path = Path.Combine(_folder, "model.safetensors");
        _half = Path.Combine(_folder, "model-f16.safetensors");
        _out = Path.Combine(_folder, "out.safetensors");
        _model = BuildModel();
        _model.SaveSafeTensors(_path);
        using (var state = _model.StateDict())
        {
            var halves = state.ToDictionary(e => e.Key, e => e.Value.to(ScalarType.Float16));
            SafeTensors.Save(halves, _half);
            foreach (var t in halves.Values) t.Dispose();
        }
        _buffer = new byte[new FileInfo(_path).Length];
        RawRead(); // touch the buffer's pages and bring the file into the page cache
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The model the file holds: eight Linear(4096, 4096), 537 MB of float32.</summary>
    public static nn.Module BuildModel()
    {
        using var _ = no_grad();
        var layers = Enumerable.Range(0, Layers).Select(i => (nn.Module<Tensor, Tensor>)nn.Linear(Width, Width)).ToArray();
        var model = nn.Sequential(layers);
        foreach (var p in model.parameters()) p.uniform_(-0.01, 0.01);
        return model;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("read")]
    public int RawRead()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        stream.ReadExactly(_buffer);
        return _buffer[^1];
    }

    [Benchmark, BenchmarkCategory("read")]
    public int ModelLoadSafeTensors() => _model.LoadSafeTensors(_path).MissingKeys.Count;

    /// <summary>The same weights stored as float16, converted to the model's float32 by copy_ in bounded chunks (the file is half the size).</summary>
    [Benchmark, BenchmarkCategory("read")]
    public int ModelLoadSafeTensors_F16File() => _model.LoadSafeTensors(_half).MissingKeys.Count;

    [Benchmark, BenchmarkCategory("read")]
    public int SafeTensorsLoad()
    {
        using var state = SafeTensors.Load(_path);
        return state.Count;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("write")]
    public long RawWrite()
    {
        using var stream = new FileStream(_out, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        stream.Write(_buffer);
        return stream.Length;
    }

    [Benchmark, BenchmarkCategory("write")]
    public long RawWriteFsync()
    {
        using var stream = new FileStream(_out, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        stream.Write(_buffer);
        stream.Flush(flushToDisk: true);
        return stream.Length;
    }

    [Benchmark, BenchmarkCategory("write")]
    public long ModelSaveSafeTensors()
    {
        _model.SaveSafeTensors(_out);
        return new FileInfo(_out).Length;
    }

    /// <summary>Prints the growth of the process's peak resident memory during each operation, beyond the resident
    /// memory just before it (the model already built, the file already written and in the page cache).</summary>
    public static void MeasurePeakMemory()
    {
        string folder = Directory.CreateTempSubdirectory("tm-peak-").FullName;
        string path = Path.Combine(folder, "model.safetensors");
        string half = Path.Combine(folder, "model-f16.safetensors");
        try
        {
            using var model = BuildModel();
            model.SaveSafeTensors(path);
            using (var state = model.StateDict())
            {
                var halves = state.ToDictionary(e => e.Key, e => e.Value.to(ScalarType.Float16));
                SafeTensors.Save(halves, half);
                foreach (var t in halves.Values) t.Dispose();
            }
            long size = new FileInfo(path).Length;
            Console.WriteLine($"file {size / 1e6:F1} MB (float16 copy {new FileInfo(half).Length / 1e6:F1} MB); largest tensor {Width * Width * 4 / 1e6:F1} MB");
            Peak("model.LoadSafeTensors (F32 file into F32 model)", () => model.LoadSafeTensors(path));
            Peak("model.LoadSafeTensors (F16 file into F32 model)", () => model.LoadSafeTensors(half));
            Peak("SafeTensors.Load (new tensors)", () => { using var s = SafeTensors.Load(path); });
            Peak("model.SaveSafeTensors", () => model.SaveSafeTensors(Path.Combine(folder, "out.safetensors")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Peak(string what, Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5"); // resets VmHWM to the current resident size
        long before = Status("VmRSS");
        action();
        long peak = Status("VmHWM");
        Console.WriteLine($"{what}: resident before {before / 1e6:F1} MB, peak {peak / 1e6:F1} MB, growth {(peak - before) / 1e6:F1} MB");
    }

    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]) * 1024;
        }
        throw new InvalidOperationException(field + " not in /proc/self/status");
    }
}
