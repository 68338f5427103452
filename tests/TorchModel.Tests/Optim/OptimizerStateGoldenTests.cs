using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Optim;

/// <summary>PyTorch trains N steps and hands over its optimizer state; TorchSharp continues M steps and must land where
/// PyTorch's own N+M steps did (Golden/optim.json, from gen_optim.py).</summary>
public class OptimizerStateGoldenTests
{
    public static TheoryData<string> Cases() => new(OptimGolden.CaseNames);

    /// <summary>Every case but RAdam, whose TorchSharp update is wrong once rectification starts (see below).</summary>
    public static TheoryData<string> ResumeCases() => new(OptimGolden.CaseNames.Where(n => n != "radam"));

    /// <summary>Implementation-choice keys PyTorch adds (how it runs, not what it computes): written with 2.x's defaults,
    /// which can differ from what 1.13 wrote (fused False in 1.13, None in 2.x).</summary>
    private static readonly HashSet<string> RunKeys = ["foreach", "fused", "capturable", "differentiable"];

    [Fact(Skip = "TorchSharp 0.107 RAdam bug: in the rectified branch (rho_t > 5, from step 6 or 7 here) it multiplies the "
        + "learning rate in twice (t6 = bias_corrected_exp_avg * lr; param.add_(t6 * lr * adaptive_lr * rect)), PyTorch once. "
        + "The state mapping itself is proven by TrainFromScratch_WritesPyTorchsStateAfterN(radam) (unrectified steps).")]
    public void ResumeFromPyTorchState_RAdam_TrainsToPyTorchsResult() => ResumeFromPyTorchState_TrainsToPyTorchsResult("radam");

    [Theory]
    [MemberData(nameof(ResumeCases))]
    public void ResumeFromPyTorchState_TrainsToPyTorchsResult(string name)
    {
        var golden = OptimGolden.Case(name);
        using var model = OptimGolden.Model(golden.GetProperty("model_after_n"));
        using var optimizer = OptimGolden.Optimizer(golden.GetProperty("optimizer").GetString()!, model);
        using (var state = OptimGolden.StateAfterN(name)) optimizer.LoadPyTorchStateDict(state);

        OptimGolden.Train(model, optimizer, OptimGolden.M);

        OptimGolden.MaxRelativeError(model, golden.GetProperty("final")).ShouldBeLessThan(1e-5);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainFromScratch_WritesPyTorchsStateAfterN(string name)
    {
        var golden = OptimGolden.Case(name);
        using var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
        using var optimizer = OptimGolden.Optimizer(golden.GetProperty("optimizer").GetString()!, model);
        // PyTorch's param_groups only (no per-parameter state): the hyper-parameters of the case.
        using (var groupsOnly = OptimGolden.StateAfterN(name, withState: false)) optimizer.LoadPyTorchStateDict(groupsOnly);

        OptimGolden.Train(model, optimizer, OptimGolden.N);

        OptimGolden.MaxRelativeError(model, golden.GetProperty("model_after_n")).ShouldBeLessThan(1e-5);
        using var expected = OptimGolden.StateAfterN(name);
        using var actual = optimizer.ToPyTorchStateDict();
        actual.State.Keys.ShouldBe(expected.State.Keys.Where(i => expected.State[i].Values.Any(v => v is not null)));
        foreach (var (index, entry) in actual.State)
        {
            var want = expected.State[index].Where(kv => kv.Value is not null).ToList();
            entry.Keys.ShouldBe(want.Select(kv => kv.Key), $"state[{index}] keys");
            foreach (var (key, value) in want)
            {
                var t = entry[key].ShouldBeOfType<Tensor>();
                if (key == "step")
                {
                    t.dtype.ShouldBe(ScalarType.Float32);
                    t.shape.ShouldBeEmpty();
                    // TorchSharp 0.107's Adadelta never advances its step (PyTorch's counts it, unused in the update).
                    float expectedStep = name == "adadelta" ? 0 : (float)(value is Tensor w ? w.item<float>() : (long)value!);
                    t.item<float>().ShouldBe(expectedStep);
                    continue;
                }
                var w2 = (Tensor)value!;
                t.shape.ShouldBe(w2.shape, $"state[{index}].{key}");
                t.to(ScalarType.Float64).allclose(w2.to(ScalarType.Float64), rtol: 1e-5, atol: 1e-7).ShouldBeTrue($"state[{index}].{key}");
            }
        }
        for (int g = 0; g < expected.ParamGroups.Count; g++)
        {
            actual.ParamGroups[g].Params.ShouldBe(expected.ParamGroups[g].Params);
            foreach (var (key, value) in expected.ParamGroups[g].Options)
            {
                if (RunKeys.Contains(key)) continue;
                actual.ParamGroups[g].Options.ShouldContainKey(key);
                Normalize(actual.ParamGroups[g].Options[key]).ShouldBe(Normalize(value), $"param_groups[{g}].{key}");
            }
        }
    }

    /// <summary>Python ints and floats compare equal (0 == 0.0); tuples as lists.</summary>
    private static object? Normalize(object? v) => v switch
    {
        long l => (double)l,
        IReadOnlyList<object?> list => string.Join(",", list.Select(Normalize)),
        System.Runtime.CompilerServices.ITuple t => string.Join(",", Enumerable.Range(0, t.Length).Select(i => Normalize(t[i]))),
        _ => v,
    };
}
