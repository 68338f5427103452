using System.Collections.ObjectModel;
using System.Text.Json;
using TorchSharp.Modules;

namespace TorchModel.Tests.Infrastructure;

/// <summary>The optimizer fixtures of Golden/optim.json (written by gen_optim.py from real PyTorch) and the twin C# model.</summary>
public static class OptimGolden
{
    public static JsonElement Root => Golden.Load("optim.json");

    public static JsonElement Case(string name) => Root.GetProperty("cases").GetProperty(name);

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "optim", name + ".pt");

    public static IEnumerable<string> CaseNames => Root.GetProperty("cases").EnumerateObject().Select(p => p.Name);

    public static int N => Root.GetProperty("n").GetInt32();

    public static int M => Root.GetProperty("m").GetInt32();

    public static Tensor Tensor(JsonElement t)
    {
        var shape = t.GetProperty("shape").Longs();
        var values = t.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var dtype = CheckpointGolden.DType(t.GetProperty("dtype").GetString()!);
        return torch.tensor(values, dtype: ScalarType.Float64).reshape(shape).to(dtype);
    }

    public static object? Value(JsonElement v)
    {
        var p = v.EnumerateObject().Single();
        return p.Name switch
        {
            "tensor" => Tensor(p.Value),
            "none" => null,
            "bool" => p.Value.GetBoolean(),
            "int" => p.Value.GetInt64(),
            "float" => p.Value.GetDouble(),
            "tuple" => new ReadOnlyCollection<object?>(p.Value.EnumerateArray().Select(Value).ToList()),
            _ => throw new InvalidDataException(p.Name),
        };
    }

    /// <summary>PyTorch's optimizer.state_dict() after N steps, as the neutral representation.</summary>
    public static OptimizerStateDict StateAfterN(string name, bool withState = true)
    {
        var sd = Case(name).GetProperty("state_after_n");
        var state = new OrderedDictionary<long, IReadOnlyDictionary<string, object?>>();
        if (withState)
        {
            foreach (var entry in sd.GetProperty("state").EnumerateArray())
            {
                var values = new OrderedDictionary<string, object?>();
                foreach (var e in entry.GetProperty("entries").EnumerateArray()) values[e.GetProperty("key").GetString()!] = Value(e.GetProperty("value"));
                state[entry.GetProperty("index").GetInt64()] = values;
            }
        }
        var groups = sd.GetProperty("param_groups").EnumerateArray().Select(g =>
        {
            var options = new OrderedDictionary<string, object?>();
            foreach (var e in g.GetProperty("options").EnumerateArray()) options[e.GetProperty("key").GetString()!] = Value(e.GetProperty("value"));
            return new OptimizerParamGroup(options, g.GetProperty("params").Longs());
        }).ToList();
        return new OptimizerStateDict(state, groups);
    }

    /// <summary>The twin of gen_optim.make_model with the given weights.</summary>
    public static Module Model(JsonElement weights)
    {
        var model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2));
        using var _ = torch.no_grad();
        foreach (var (name, p) in model.NamedParameters())
        {
            using var t = Tensor(weights.GetProperty(name));
            p.copy_(t);
        }
        return model;
    }

    /// <summary>An optimizer of PyTorch's class name over the model's two groups (weights, biases), with throw-away options
    /// (the loaded param_groups replace them).</summary>
    public static torch.optim.Optimizer Optimizer(string pytorchName, Module model)
    {
        var groups = model.GroupParameters(ParameterGroupOptions.Default with { WeightDecay = 0 });
        return pytorchName switch
        {
            "SGD" => torch.optim.SGD(groups.For<SGD.ParamGroup>(), 0.5),
            "Adam" => torch.optim.Adam(groups.For<Adam.ParamGroup>()),
            "AdamW" => torch.optim.AdamW(groups.For<AdamW.ParamGroup>()),
            "RMSprop" => torch.optim.RMSProp(groups.For<RMSProp.ParamGroup>()),
            "Adagrad" => torch.optim.Adagrad(groups.For<Adagrad.ParamGroup>()),
            "Adamax" => torch.optim.Adamax(groups.For<Adamax.ParamGroup>()),
            "NAdam" => torch.optim.NAdam(groups.For<NAdam.ParamGroup>()),
            "RAdam" => torch.optim.RAdam(groups.For<RAdam.ParamGroup>()),
            "Adadelta" => torch.optim.Adadelta(groups.For<Adadelta.ParamGroup>()),
            "ASGD" => torch.optim.ASGD(groups.For<ASGD.ParamGroup>()),
            "Rprop" => torch.optim.Rprop(groups.For<Rprop.ParamGroup>()),
            _ => throw new ArgumentException(pytorchName),
        };
    }

    public static void Train(Module model, torch.optim.Optimizer optimizer, int steps, ScalarType dtype = ScalarType.Float32)
    {
        using var x = Tensor(Root.GetProperty("x")).to(dtype);
        using var y = Tensor(Root.GetProperty("y")).to(dtype);
        for (int i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = (((nn.Module<Tensor, Tensor>)model).call(x) - y).pow(2).mean();
            loss.backward();
            optimizer.step();
        }
    }

    /// <summary>The largest |actual - expected| / max(|expected|, 1e-3) over the model's parameters.</summary>
    public static double MaxRelativeError(Module model, JsonElement expected)
    {
        double worst = 0;
        foreach (var (name, p) in model.NamedParameters())
        {
            using var e = Tensor(expected.GetProperty(name)).to(ScalarType.Float64);
            using var a = p.detach().to(ScalarType.Float64);
            using var rel = (a - e).abs() / e.abs().clamp_min(1e-3);
            worst = Math.Max(worst, rel.max().item<double>());
        }
        return worst;
    }
}
