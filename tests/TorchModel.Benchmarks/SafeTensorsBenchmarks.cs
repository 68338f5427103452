using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TorchModel;
using static TorchSharp.torch;

/// <summary>
/// <see cref="SafeTensors.Load(string)"/> on a ~500 MB file next to <see cref="File.ReadAllBytes"/> of the same file,
/// the floor for getting those bytes into memory at all (TorchSharp has no safetensors reader to compare with).
/// Both read from the page cache after the warm-up. Peak native memory (which MemoryDiagnoser does not see) is
/// measured by <see cref="MeasurePeakMemory"/>: <c>dotnet run -c Release --project tests/TorchModel.Benchmarks -- --peak-memory</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessShortRun))]
public class SafeTensorsBenchmarks
{
    /// <summary>A short run in this process: BenchmarkDotNet's generated child project does not get the repository's libtorch loading fix.</summary>
    private sealed class InProcessShortRun : ManualConfig
    {
        public InProcessShortRun() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }

    private const int TensorCount = 50;
    private const long ElementsPerTensor = 10L * 1024 * 1024 / 4; // 10 MiB of float32 each: 500 MiB in all

    private string _folder = "";
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("tm-bench-").FullName;
        _path = Path.Combine(_folder, "model.safetensors");
        WriteFile(_path);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true)]
    public int FileReadAllBytes() => File.ReadAllBytes(_path).Length;

    [Benchmark]
    public int SafeTensorsLoad()
    {
        using var state = SafeTensors.Load(_path);
        return state.Count;
    }

    private static void WriteFile(string path)
    {
        var tensors = new Dictionary<string, Tensor>();
        for (int i = 0; i < TensorCount; i++) tensors[$"layers.{i}.weight"] = full(ElementsPerTensor, (float)i);
        SafeTensors.Save(tensors, path);
        foreach (var t in tensors.Values) t.Dispose();
    }

    /// <summary>Prints the process's peak resident memory while loading the file, beyond its baseline, as a multiple of the file size.</summary>
    public static void MeasurePeakMemory()
    {
        string folder = Directory.CreateTempSubdirectory("tm-peak-").FullName;
        string path = Path.Combine(folder, "model.safetensors");
        try
        {
            // Write the file from a child process so this one's high-water mark starts at its own baseline.
            var info = new ProcessStartInfo(Environment.ProcessPath!);
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") info.ArgumentList.Add(typeof(SafeTensorsBenchmarks).Assembly.Location);
            info.ArgumentList.Add("--write-peak-file");
            info.ArgumentList.Add(path);
            var child = Process.Start(info) ?? throw new InvalidOperationException("could not start the writer");
            child.WaitForExit();
            if (!File.Exists(path)) throw new InvalidOperationException("the writer did not write " + path);
            using (ones(1)) { } // load libtorch before taking the baseline
            long size = new FileInfo(path).Length;
            long baseline = Status("VmRSS");
            using (var state = SafeTensors.Load(path))
            {
                Console.WriteLine($"loaded {state.Count} tensors");
            }
            long peak = Status("VmHWM");
            Console.WriteLine($"file {size / 1e6:F1} MB; baseline RSS {baseline / 1e6:F1} MB; peak RSS {peak / 1e6:F1} MB; " +
                              $"peak beyond baseline {(peak - baseline) / 1e6:F1} MB = {(double)(peak - baseline) / size:F3} x file size");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static void WritePeakFile(string path) => WriteFile(path);

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
