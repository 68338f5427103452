using BenchmarkDotNet.Attributes;
using TorchModel;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Freezing a backbone by pattern versus the hand-written TorchSharp loop over named_parameters().</summary>
[MemoryDiagnoser]
// Run: dotnet run -c Release --project tests/TorchModel.Benchmarks -- --filter '*FreezeBenchmarks*' --inProcess --job short
// (in-process: the out-of-process child project BenchmarkDotNet generates does not get the libtorch loading fix).
public class FreezeBenchmarks
{
    private nn.Module _model = null!;

    [GlobalSetup]
    public void Setup() => _model = torchvision.models.resnet18();

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark(Baseline = true)]
    public int TorchSharpLoop()
    {
        int n = 0;
        foreach (var (name, p) in _model.named_parameters())
        {
            if (name.StartsWith("layer4.", StringComparison.Ordinal)) { p.requires_grad = false; n++; }
        }
        return n;
    }

    [Benchmark]
    public nn.Module FreezeByPattern() => _model.Freeze("layer4.**");
}
