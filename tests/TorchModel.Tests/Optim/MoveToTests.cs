using TorchModel.Tests.Infrastructure;
using TorchSharp.Modules;

namespace TorchModel.Tests.Optim;

public class MoveToTests
{
    private static (Module Model, Adam Optimizer) Trained(int steps)
    {
        var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
        var groups = model.GroupParameters(ParameterGroupOptions.Default with { WeightDecay = 0.01, LearningRates = [("2.**", 0.02)] });
        var optimizer = torch.optim.Adam(groups.For<Adam.ParamGroup>((_, g) => g.Options.beta1 = 0.8), lr: 0.01);
        OptimGolden.Train(model, optimizer, steps);
        return (model, optimizer);
    }

    [Fact]
    public void OptimizerBuiltBeforeTo_IsDetected_WithTheFix_WhereTorchSharpFailsWithKeyZero()
    {
        var (model, optimizer) = Trained(1);
        using var _ = model;
        using var __ = optimizer;
        model.to(ScalarType.Float64); // TorchSharp replaces the Parameter objects, as .to(device) does
        var ex = Should.Throw<InvalidOperationException>(() => optimizer.EnsureOptimizes(model));
        ex.Message.ShouldContain("The optimizer's parameter 0 has been disposed");
        ex.Message.ShouldContain("optimizer = model.MoveTo(device, optimizer)");
        // The trap itself, as TorchSharp reports it.
        Should.Throw<KeyNotFoundException>(() => optimizer.step()).Message.ShouldContain("'0'");
        Should.Throw<InvalidOperationException>(() => optimizer.ToPyTorchStateDict());
    }

    [Fact]
    public void OptimizerOfAnotherModel_IsDetected()
    {
        var (model, optimizer) = Trained(0);
        using var _ = model;
        using var __ = optimizer;
        using var other = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
        Should.Throw<InvalidOperationException>(() => optimizer.EnsureOptimizes(other))
            .Message.ShouldContain("The optimizer's parameter 0 (shape [4, 3]) is not a parameter of the model");
        optimizer.EnsureOptimizes(model).ShouldBeSameAs(optimizer);
    }

    [Fact]
    public void MoveTo_RebuildsTheOptimizer_KeepingGroupsAndState_AndTrainingContinuesAsWithoutTheMove()
    {
        var (moved, optimizer) = Trained(2);
        using var _ = moved;
        var (reference, referenceOptimizer) = Trained(2);
        using var __ = reference;
        using var ___ = referenceOptimizer;

        using var rebuilt = moved.MoveTo(ScalarType.Float64, optimizer);
        rebuilt.ShouldNotBeSameAs(optimizer);
        rebuilt.EnsureOptimizes(moved);
        using (var state = rebuilt.ToPyTorchStateDict())
        {
            state.ParamGroups.Select(g => g.Options["lr"]).ShouldBe(new object?[] { 0.01, 0.01, 0.02, 0.02 }.Take(state.ParamGroups.Count));
            state.ParamGroups.ShouldAllBe(g => ((ValueTuple<double, double>)g.Options["betas"]!).Item1 == 0.8);
            ((Tensor)state.State[0]["exp_avg"]!).dtype.ShouldBe(ScalarType.Float64);
            ((Tensor)state.State[0]["step"]!).item<float>().ShouldBe(2);
        }

        OptimGolden.Train(moved, rebuilt, 2, ScalarType.Float64);
        OptimGolden.Train(reference, referenceOptimizer, 2);
        foreach (var ((name, a), (_, b)) in moved.NamedParameters().Zip(reference.NamedParameters()))
        {
            a.dtype.ShouldBe(ScalarType.Float64);
            a.to(ScalarType.Float32).allclose(b, rtol: 1e-5, atol: 1e-7).ShouldBeTrue(name);
        }
    }

    [Fact]
    public void MoveTo_OptimizerOfAnotherModel_Throws_BeforeMoving()
    {
        var (model, optimizer) = Trained(0);
        using var _ = model;
        using var __ = optimizer;
        using var other = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
        Should.Throw<InvalidOperationException>(() => other.MoveTo(ScalarType.Float64, optimizer));
        other.Parameters().ShouldAllBe(p => p.dtype == ScalarType.Float32);
    }
}
