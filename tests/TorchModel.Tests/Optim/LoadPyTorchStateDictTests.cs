using TorchModel.Tests.Infrastructure;
using TorchSharp.Modules;

namespace TorchModel.Tests.Optim;

public class LoadPyTorchStateDictTests
{
    /// <summary>A model and an optimizer of the case's kind holding PyTorch's state after N steps.</summary>
    private static (Module Model, torch.optim.Optimizer Optimizer) Loaded(string name)
    {
        var golden = OptimGolden.Case(name);
        var model = OptimGolden.Model(golden.GetProperty("model_after_n"));
        var optimizer = OptimGolden.Optimizer(golden.GetProperty("optimizer").GetString()!, model);
        using var state = OptimGolden.StateAfterN(name);
        optimizer.LoadPyTorchStateDict(state);
        return (model, optimizer);
    }

    /// <summary>PyTorch's state of a case, edited: (state entries, groups) as mutable copies.</summary>
    private static OptimizerStateDict Edited(string name, Action<OrderedDictionary<long, OrderedDictionary<string, object?>>, List<(OrderedDictionary<string, object?> Options, List<long> Params)>> edit)
    {
        var source = OptimGolden.StateAfterN(name);
        var state = new OrderedDictionary<long, OrderedDictionary<string, object?>>();
        foreach (var (index, entry) in source.State) state[index] = new OrderedDictionary<string, object?>(entry);
        var groups = source.ParamGroups.Select(g => (new OrderedDictionary<string, object?>(g.Options), g.Params.ToList())).ToList();
        edit(state, groups);
        var frozen = new OrderedDictionary<long, IReadOnlyDictionary<string, object?>>();
        foreach (var (index, entry) in state) frozen[index] = entry;
        return new OptimizerStateDict(frozen, groups.Select(g => new OptimizerParamGroup(g.Item1, g.Item2)).ToList());
    }

    private static void ShouldBeSame(OptimizerStateDict actual, OptimizerStateDict expected)
    {
        actual.State.Keys.ShouldBe(expected.State.Keys);
        foreach (var (index, entry) in expected.State)
        {
            actual.State[index].Keys.ShouldBe(entry.Keys);
            foreach (var (key, value) in entry)
                ((Tensor)actual.State[index][key]!).allclose((Tensor)value!, rtol: 0, atol: 0).ShouldBeTrue($"state[{index}].{key}");
        }
        actual.ParamGroups.Count.ShouldBe(expected.ParamGroups.Count);
        for (int g = 0; g < expected.ParamGroups.Count; g++)
        {
            actual.ParamGroups[g].Params.ShouldBe(expected.ParamGroups[g].Params);
            foreach (var (key, value) in expected.ParamGroups[g].Options)
                Text(actual.ParamGroups[g].Options[key]).ShouldBe(Text(value), $"param_groups[{g}].{key}");
        }
    }

    private static string Text(object? v) => v is IEnumerable<object?> e ? string.Join(",", e) : $"{v}";

    public static TheoryData<string, string, string, string> BadStates() => new()
    {
        // case loaded into the optimizer, case whose state is offered, expected message parts
        { "adam", "sgd_momentum", "does not belong to a Adam optimizer: param_groups[0] has no 'betas'", "looks like the state of SGD" },
        { "adamax", "radam", "does not belong to a Adamax optimizer: state[0] has no 'exp_inf'", "looks like the state of RAdam" },
        { "sgd_momentum", "rmsprop", "does not belong to a SGD optimizer: param_groups[0] has no 'dampening'", "RMSprop" },
    };

    [Theory]
    [MemberData(nameof(BadStates))]
    public void WrongOptimizerKind_Throws_AndLeavesStateUnchanged(string target, string offered, string message, string guess)
    {
        var (model, optimizer) = Loaded(target);
        using var _ = model;
        using var __ = optimizer;
        using var before = optimizer.ToPyTorchStateDict();
        using var wrong = OptimGolden.StateAfterN(offered);
        var ex = Should.Throw<OptimizerStateException>(() => optimizer.LoadPyTorchStateDict(wrong));
        ex.Message.ShouldContain(message);
        ex.Message.ShouldContain(guess);
        using var after = optimizer.ToPyTorchStateDict();
        ShouldBeSame(after, before);
    }

    public static TheoryData<string, string> Edits() => new()
    {
        { "group count", "loaded state dict has a different number of parameter groups: it has 1, this Adam optimizer has 2" },
        { "param count", "loaded state dict contains a parameter group that doesn't match the size of optimizer's group: group 1 has 1 parameters in the state, 2 in this Adam optimizer" },
        { "moment shape", "The Adam state 'exp_avg_sq' of parameter 1 has shape [4, 2], but the parameter has shape [2, 4]" },
        { "missing step", "The Adam state of parameter 2 has no 'step'" },
        { "missing moment", "The Adam state of parameter 3 has no 'exp_avg'" },
        { "lr type", "param_groups[1]: 'lr' is 'fast', expected a number" },
        { "betas arity", "param_groups[0]: 'betas' is (0.9), expected a pair of numbers" },
        { "unknown index", "The optimizer state has an entry for parameter 7, which no parameter group lists in its 'params'" },
        { "step fraction", "state[0]: 'step' is 2.5, expected a whole number >= 0" },
        { "decoupled", "Parameter group 0 sets 'decoupled_weight_decay' to True, but TorchSharp's Adam supports only False" },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void MismatchingState_Throws_AndLeavesStateUnchanged(string edit, string message)
    {
        var (model, optimizer) = Loaded("adam");
        using var _ = model;
        using var __ = optimizer;
        using var before = optimizer.ToPyTorchStateDict();
        using var bad = Edited("adam", (state, groups) =>
        {
            switch (edit)
            {
                case "group count":
                    groups[0].Params.AddRange(groups[1].Params);
                    groups.RemoveAt(1);
                    break;
                case "param count":
                    groups[1].Params.RemoveAt(1);
                    state.Remove(3);
                    break;
                case "moment shape":
                    state[1]["exp_avg_sq"] = torch.zeros(4, 2);
                    break;
                case "missing step":
                    state[2].Remove("step");
                    break;
                case "missing moment":
                    state[3].Remove("exp_avg");
                    break;
                case "lr type":
                    groups[1].Options["lr"] = "fast";
                    break;
                case "betas arity":
                    groups[0].Options["betas"] = new List<object?> { 0.9 };
                    break;
                case "unknown index":
                    state[7] = state[0];
                    break;
                case "step fraction":
                    state[0]["step"] = 2.5;
                    break;
                case "decoupled":
                    groups[0].Options["decoupled_weight_decay"] = true;
                    break;
            }
        });
        var ex = Should.Throw<OptimizerStateException>(() => optimizer.LoadPyTorchStateDict(bad));
        ex.Message.ShouldContain(message);
        using var after = optimizer.ToPyTorchStateDict();
        ShouldBeSame(after, before);
    }

    [Fact]
    public void MaximizeTrue_ForAdamax_IsRefused()
    {
        var (model, optimizer) = Loaded("adamax");
        using var _ = model;
        using var __ = optimizer;
        using var bad = Edited("adamax", (_, groups) => groups[1].Options["maximize"] = true);
        Should.Throw<OptimizerStateException>(() => optimizer.LoadPyTorchStateDict(bad))
            .Message.ShouldBe("Parameter group 1 sets 'maximize' to True, but TorchSharp's Adamax supports only False.");
    }

    [Fact]
    public void IntStep_AsPyTorch1Writes_IsRead()
    {
        // PyTorch 1.13 writes RMSprop's step as an int (the fixture keeps it); 2.x as a float32 scalar tensor.
        using var state = OptimGolden.StateAfterN("rmsprop");
        state.State[0]["step"].ShouldBeOfType<long>();
        var (model, optimizer) = Loaded("rmsprop");
        using var _ = model;
        using var __ = optimizer;
        using var written = optimizer.ToPyTorchStateDict();
        var step = written.State[0]["step"].ShouldBeOfType<Tensor>();
        step.dtype.ShouldBe(ScalarType.Float32);
        step.item<float>().ShouldBe((float)(long)state.State[0]["step"]!);
    }

    [Fact]
    public void LBFGS_IsNotSupported()
    {
        using var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
        using var optimizer = torch.optim.LBFGS(model.parameters());
        Should.Throw<NotSupportedException>(() => optimizer.ToPyTorchStateDict()).Message.ShouldContain("LBFGS");
    }

    [Fact]
    public void MissingEntry_ResetsThatParametersState_AsPyTorchsLazyInit()
    {
        var (model, optimizer) = Loaded("adam");
        using var _ = model;
        using var __ = optimizer;
        using var partial = Edited("adam", (state, _) => state.Remove(2));
        optimizer.LoadPyTorchStateDict(partial);
        using var after = optimizer.ToPyTorchStateDict();
        after.State.Keys.ShouldBe(new long[] { 0, 1, 3 });
        var adam = (Adam)optimizer;
        ((Adam.State)adam.state_dict().State[2]).step.ShouldBe(0);
    }
}
