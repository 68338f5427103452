using BenchmarkDotNet.Attributes;
using TorchModel;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>LoadStateDict next to TorchSharp's load_state_dict on a chain of modules with a one-element parameter at
/// every level (keys "w", "c.w", "c.c.w", ...): the cost per module, where the tensors are tiny. TorchSharp's
/// load_state_dict calls state_dict, whose every level re-walks all parameters below it (cubic in depth), so the
/// side-by-side rows stay at depths it finishes; <see cref="DeepLoadStateDictAloneBenchmarks"/> times 10,000 levels.</summary>
[MemoryDiagnoser]
public class DeepLoadStateDictBenchmarks
{
    private nn.Module _model = null!;
    private Dictionary<string, Tensor> _source = null!;

    [Params(100, 300)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup() => (_model, _source) = DeepChain.Create(Depth);

    [Benchmark(Baseline = true)]
    public int TorchSharp_load_state_dict() => _model.load_state_dict(_source).missing_keys.Count;

    [Benchmark]
    public int LoadStateDict() => _model.LoadStateDict(_source).MissingKeys.Count;
}

/// <summary>LoadStateDict alone on a 10,000-deep chain (TorchSharp's load_state_dict does not finish there).</summary>
[MemoryDiagnoser]
public class DeepLoadStateDictAloneBenchmarks
{
    private nn.Module _model = null!;
    private Dictionary<string, Tensor> _source = null!;

    [GlobalSetup]
    public void Setup() => (_model, _source) = DeepChain.Create(10_000);

    [Benchmark]
    public int LoadStateDict_10000Deep() => _model.LoadStateDict(_source).MissingKeys.Count;
}

/// <summary>A chain of modules, each with a one-element parameter "w" and the next level as child "c".</summary>
internal static class DeepChain
{
    private sealed class Level : nn.Module
    {
        public Level(Level? child) : base(nameof(Level))
        {
            register_parameter("w", new TorchSharp.Modules.Parameter(torch.zeros(1)));
            if (child is not null) register_module("c", child);
        }
    }

    public static (nn.Module Model, Dictionary<string, Tensor> Source) Create(int depth)
    {
        Level? level = null;
        for (int i = 0; i < depth; i++) level = new Level(level);
        using var state = level!.StateDict();
        return (level!, state.ToDictionary(kv => kv.Key, kv => kv.Value.clone()));
    }
}
