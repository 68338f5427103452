using TorchModel.Tests.Models;

namespace TorchModel.Tests.Optim;

public class ParameterGroupsTests
{
    private static Module Net() => new Holder(
        ("backbone", nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.ReLU())),
        ("head", nn.Linear(8, 3)));

    private static Dictionary<string, Tensor> Snapshot(Module m)
        => m.NamedParameters().ToDictionary(x => x.Name, x => x.Parameter.detach().clone());

    [Fact]
    public void GroupParameters_SplitsOneDimensionalParametersOutOfWeightDecay()
    {
        using var model = Net();
        var groups = model.GroupParameters(ParameterGroupOptions.Default with { WeightDecay = 0.1 }).Groups;
        groups.Count.ShouldBe(2);
        groups[0].WeightDecay.ShouldBe(0.1);
        groups[0].Parameters.Select(x => x.Name).ShouldBe(new[] { "backbone.0.weight", "head.weight" });
        groups[1].WeightDecay.ShouldBe(0.0);
        groups[1].Parameters.Select(x => x.Name).ShouldBe(new[] { "backbone.0.bias", "backbone.1.weight", "backbone.1.bias", "head.bias" });
        groups.ShouldAllBe(g => g.LearningRate == null);
    }

    [Fact]
    public void AdamW_WithZeroGradient_DecaysOnlyTheDecayGroup_AndLeavesFrozenBitIdentical()
    {
        using var model = Net();
        model.Freeze("backbone.0.**");
        var before = Snapshot(model);
        var groups = model.GroupParameters(ParameterGroupOptions.Default with { WeightDecay = 0.5, IncludeFrozen = true });
        using var optimizer = torch.optim.AdamW(groups.ForAdamW(), lr: 0.1);
        for (int step = 0; step < 3; step++)
        {
            optimizer.zero_grad();
            // A zero gradient for every trainable parameter: only weight decay can move them.
            var loss = model.Parameters().Trainable().Select(p => (p * 0).sum()).Aggregate((a, b) => a + b);
            loss.backward();
            optimizer.step();
        }
        var after = Snapshot(model);
        // Frozen parameters have no gradient: untouched, bit for bit.
        after["backbone.0.weight"].eq(before["backbone.0.weight"]).all().item<bool>().ShouldBeTrue();
        after["backbone.0.bias"].eq(before["backbone.0.bias"]).all().item<bool>().ShouldBeTrue();
        // No-decay (1-D) trainable parameters: a zero gradient moves nothing.
        foreach (var name in new[] { "backbone.1.weight", "backbone.1.bias", "head.bias" })
            after[name].eq(before[name]).all().item<bool>().ShouldBeTrue(name);
        // The decayed weight shrinks by (1 - lr * wd) per step.
        var expected = before["head.weight"] * Math.Pow(1 - 0.1 * 0.5, 3);
        after["head.weight"].allclose(expected, rtol: 1e-6, atol: 1e-7).ShouldBeTrue();
        after["head.weight"].eq(before["head.weight"]).all().item<bool>().ShouldBeFalse();
    }

    [Fact]
    public void SGD_LayerWiseLearningRates_ChangeExactlyTheParametersThatShould()
    {
        using var model = Net();
        var before = Snapshot(model);
        var options = ParameterGroupOptions.Default with { WeightDecay = 0, LearningRates = [("backbone.**", 0.0)] };
        var groups = model.GroupParameters(options);
        groups.Groups.Select(g => g.LearningRate).ShouldBe(new double?[] { 0.0, 0.0, null, null });
        using var optimizer = torch.optim.SGD(groups.ForSGD(), 0.5);
        optimizer.zero_grad();
        model.call_forward(torch.randn(5, 4)).pow(2).sum().backward();
        optimizer.step();
        var after = Snapshot(model);
        foreach (var (name, tensor) in before)
        {
            if (name.StartsWith("backbone.", StringComparison.Ordinal)) after[name].eq(tensor).all().item<bool>().ShouldBeTrue(name);
            else after[name].eq(tensor).all().item<bool>().ShouldBeFalse(name);
        }
    }

    [Fact]
    public void GroupParameters_PatternMatchingNothing_Throws()
    {
        using var model = Net();
        var ex = Should.Throw<ArgumentException>(() => model.GroupParameters(ParameterGroupOptions.Default with { LearningRates = [("backbone.9.**", 1e-3)] }));
        ex.Message.ShouldContain("Pattern 'backbone.9.**' matches no parameter name.");
        Should.NotThrow(() => model.GroupParameters(ParameterGroupOptions.Default with { LearningRates = [("backbone.9.**", 1e-3)], AllowNoMatch = true }));
    }

    [Fact]
    public void GroupsBuiltBeforeAMove_AreDetected()
    {
        using var model = Net();
        var groups = model.GroupParameters();
        model.to(torch.float64); // TorchSharp replaces the Parameter objects, as it does for .to(device)
        var ex = Should.Throw<InvalidOperationException>(() => groups.ForAdamW());
        ex.Message.ShouldContain("Move the model first, then build the groups");
        Should.Throw<InvalidOperationException>(() => groups.EnsureValid());
        Should.NotThrow(() => model.GroupParameters().ForAdamW());
    }
}

internal static class ForwardHelper
{
    public static Tensor call_forward(this Module holder, Tensor x)
    {
        var backbone = (nn.Module<Tensor, Tensor>)holder.GetSubmodule("backbone");
        var head = (nn.Module<Tensor, Tensor>)holder.GetSubmodule("head");
        return head.call(backbone.call(x));
    }
}
