using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using TorchModel;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>StateDict() next to TorchSharp's state_dict() on a wide model of 15,001 modules (10,000 parameters).</summary>
[MemoryDiagnoser]
public class StateDictBenchmarks
{
    private nn.Module _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        var blocks = Enumerable.Range(0, 5000).Select(_ => (nn.Module<Tensor, Tensor>)nn.Sequential(nn.Linear(1, 1), nn.ReLU())).ToArray();
        _model = nn.Sequential(blocks);
    }

    [Benchmark(Baseline = true)]
    public int TorchSharp_state_dict() => _model.state_dict().Count;

    /// <summary>Includes disposing the 10,000 detached views it creates.</summary>
    [Benchmark]
    public int StateDict()
    {
        using var sd = _model.StateDict();
        return sd.Count;
    }

    [Benchmark]
    public int StateDict_KeepVars()
    {
        using var sd = _model.StateDict(keepVars: true);
        return sd.Count;
    }
}

/// <summary>LoadStateDict next to TorchSharp's load_state_dict on a model of ~410 MB of float32 weights
/// (10 × Linear(3200, 3200)); the source tensors are a separate copy of the same size.</summary>
[MemoryDiagnoser]
public class LoadStateDictBenchmarks
{
    private nn.Module _model = null!;
    private Dictionary<string, Tensor> _source = null!;

    [GlobalSetup]
    public void Setup()
    {
        var layers = Enumerable.Range(0, 10).Select(_ => (nn.Module<Tensor, Tensor>)nn.Linear(3200, 3200)).ToArray();
        _model = nn.Sequential(layers);
        _source = _model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        long bytes = _source.Values.Sum(t => t.NumberOfElements * t.ElementSize);
        Console.WriteLine($"// weights: {bytes / 1e6:F0} MB; peak working set after setup: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// peak working set at end: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        foreach (var t in _source.Values) t.Dispose();
        _model.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int TorchSharp_load_state_dict() => _model.load_state_dict(_source).missing_keys.Count;

    [Benchmark]
    public int LoadStateDict() => _model.LoadStateDict(_source).MissingKeys.Count;
}
