using BenchmarkDotNet.Attributes;
using TorchModel;
using static TorchSharp.torch;

/// <summary>
/// <see cref="ModuleExtensions.Summary(nn.Module, SummaryOptions)"/> on a chain of nested Sequentials (issue #18: a
/// 10,000-deep chain took 225 s, quadratic in depth), next to <see cref="ModuleExtensions.NamedModules"/> of the same
/// chain as the baseline: a summary's own work should stay a small multiple of one module walk at every depth.
/// </summary>
[MemoryDiagnoser]
// Run: dotnet run -c Release --project tests/TorchModel.Benchmarks -- --filter '*SummaryBenchmarks*' --job short
public class SummaryBenchmarks
{
    private nn.Module _model = null!;

    [Params(1_000, 10_000)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Not disposed: TorchSharp's Dispose of a deep chain is super-linear in depth.
        nn.Module m = nn.Linear(2, 2);
        for (int i = 0; i < Depth; i++) m = nn.Sequential((nn.Module<Tensor, Tensor>)m);
        _model = m;
    }

    [Benchmark(Baseline = true)]
    public int NamedModulesWalk() => _model.NamedModules().Count();

    [Benchmark]
    public int SummaryParametersOnly() => _model.Summary().Rows.Count;

    /// <summary>With a forward pass, on a thread whose stack holds TorchSharp's recursive Sequential forward.</summary>
    [Benchmark]
    public int SummaryWithForwardPass()
    {
        int rows = 0;
        var thread = new Thread(() => rows = _model.Summary([1, 2]).Rows.Count, 256 * 1024 * 1024);
        thread.Start();
        thread.Join();
        return rows;
    }
}
