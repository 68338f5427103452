using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;
using TorchModel.Tests.Models.ResNet18Mirror;

namespace TorchModel.Tests.Selection;

public class SelectionTests
{
    [Fact]
    public void Matching_OnNamedParameters_SelectsBySegments()
    {
        using var model = new ResNet();
        var names = model.NamedParameters().Matching("layer4.**").Select(x => x.Name).ToList();
        names.Count.ShouldBe(2 * 6 + 3); // two blocks × (conv1.w, bn1.w, bn1.b, conv2.w, bn2.w, bn2.b) + downsample (conv.w, bn.w, bn.b)
        names.ShouldAllBe(n => n.StartsWith("layer4.", StringComparison.Ordinal));
        names[0].ShouldBe("layer4.0.conv1.weight");
        model.NamedParameters().Matching("**.downsample.0.weight").Select(x => x.Name)
            .ShouldBe(new[] { "layer2.0.downsample.0.weight", "layer3.0.downsample.0.weight", "layer4.0.downsample.0.weight" });
    }

    [Fact]
    public void Matching_OnModulesAndBuffers_UsesTheSameGrammar()
    {
        using var model = new ResNet();
        model.NamedModules().Matching("layer1.*").Select(x => x.Name).ShouldBe(new[] { "layer1.0", "layer1.1" });
        model.NamedModules().Matching("").Select(x => x.Module).ShouldBe(new Module[] { model });
        model.NamedBuffers().Matching("bn1.*").Select(x => x.Name).ShouldBe(new[] { "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked" });
    }

    [Fact]
    public void Freeze_FreezesExactlyTheMatchingParameters_AndReturnsTheReceiverType()
    {
        using var model = new ResNet();
        ResNet same = model.Freeze("**").Unfreeze("fc.**");
        same.ShouldBeSameAs(model);
        model.NamedParameters().Trainable().Select(x => x.Name).ShouldBe(new[] { "fc.weight", "fc.bias" });
        model.NamedParameters().Frozen().Count().ShouldBe(model.NamedParameters().Count() - 2);
        model.NamedParameters().Trainable().Numel().ShouldBe(512 * 1000 + 1000);
        model.Parameters().Trainable().Numel().ShouldBe(512 * 1000 + 1000);
        model.Parameters().Frozen().Numel().ShouldBe(11_689_512 - 513_000);
    }

    [Fact]
    public void Freeze_PatternMatchingNothing_ThrowsWithNearestNames_AndChangesNothing()
    {
        using var model = new ResNet();
        var ex = Should.Throw<ArgumentException>(() => model.Freeze("fc.weights"));
        ex.ParamName.ShouldBe("pattern");
        ex.Message.ShouldContain("Pattern 'fc.weights' matches no parameter name.");
        ex.Message.ShouldContain("'fc.weight'");
        model.Parameters().Frozen().ShouldBeEmpty();
        model.Freeze("fc.weights", allowNoMatch: true).Parameters().Frozen().ShouldBeEmpty();
    }

    [Fact]
    public void RequiresGrad_SetsEveryParameter_IncludingTiedOnes()
    {
        using var model = new TiedLM();
        model.RequiresGrad(false).Parameters().Trainable().ShouldBeEmpty();
        model.CountParameters().Trainable.ShouldBe(0);
        model.RequiresGrad().Parameters().Frozen().ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(TraversalGolden.AllModels), MemberType = typeof(TraversalGolden))]
    public void CountParameters_MatchesPyTorch(string name)
    {
        using var model = GoldenModels.Create(name);
        var golden = TraversalGolden.Of(name);
        var counts = model.CountParameters();
        counts.Total.ShouldBe(golden.GetProperty("total_params").GetInt64());
        counts.Trainable.ShouldBe(golden.GetProperty("trainable_params").GetInt64());
        counts.NonTrainable.ShouldBe(counts.Total - counts.Trainable);
    }
}
