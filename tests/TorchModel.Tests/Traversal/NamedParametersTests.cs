using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.Traversal;

public class NamedParametersTests
{
    private static string[] Describe(IEnumerable<(string Name, Parameter Parameter)> parameters)
        => parameters.Select(x => $"{x.Name} {string.Join(",", x.Parameter.shape)}").ToArray();

    [Theory]
    [MemberData(nameof(TraversalGolden.AllModels), MemberType = typeof(TraversalGolden))]
    public void NamedParameters_MatchPyTorch(string model)
    {
        using var m = GoldenModels.Create(model);
        var golden = TraversalGolden.Of(model);
        Describe(m.NamedParameters()).ShouldBe(golden.GetProperty("named_parameters").ShapedNames());
        Describe(m.NamedParameters(prefix: "model")).ShouldBe(golden.GetProperty("named_parameters_prefix").ShapedNames());
        Describe(m.NamedParameters(recurse: false)).ShouldBe(golden.GetProperty("named_parameters_no_recurse").ShapedNames());
        m.NamedParameters().Select(x => x.Parameter.requires_grad)
            .ShouldBe(golden.GetProperty("named_parameters").EnumerateArray().Select(e => e.GetProperty("requires_grad").GetBoolean()));
    }

    [Theory]
    [MemberData(nameof(TraversalGolden.ModelsWithPyTorchTree), MemberType = typeof(TraversalGolden))]
    public void NamedParameters_WithoutDeduplication_MatchPyTorch2x(string model)
    {
        using var m = GoldenModels.Create(model);
        Describe(m.NamedParameters(removeDuplicate: false))
            .ShouldBe(TraversalGolden.Of(model).GetProperty("named_parameters_all").ShapedNames());
    }

    [Theory]
    [MemberData(nameof(TraversalGolden.AllModels), MemberType = typeof(TraversalGolden))]
    public void ParameterCounts_MatchPyTorch(string model)
    {
        using var m = GoldenModels.Create(model);
        var golden = TraversalGolden.Of(model);
        m.Parameters().Sum(p => p.numel()).ShouldBe(golden.GetProperty("total_params").GetInt64());
        m.Parameters().Where(p => p.requires_grad).Sum(p => p.numel()).ShouldBe(golden.GetProperty("trainable_params").GetInt64());
    }

    [Fact]
    public void TiedEmbeddingAndHead_AreOneParameter_ThoughTheirWrappersDiffer()
    {
        using var model = new TiedLM();
        var embed = model.GetSubmodule("embed");
        var head = model.GetSubmodule("head");
        var embedWeight = ((TorchSharp.Modules.Embedding)embed).weight!;
        var headWeight = ((TorchSharp.Modules.Linear)head).weight!;
        embedWeight.Handle.ShouldNotBe(headWeight.Handle);
        model.NamedParameters().Select(x => x.Name).ShouldBe(new[] { "embed.weight", "body.weight", "body.bias" });
        model.NamedParameters(removeDuplicate: false).Select(x => x.Name)
            .ShouldBe(new[] { "embed.weight", "body.weight", "body.bias", "head.weight" });
    }

    [Fact]
    public void SharedLinearInTwoBlocks_IsYieldedOnce()
    {
        using var model = new SharedModules();
        model.NamedParameters().Count(x => x.Name.EndsWith("fc.weight") || x.Name.StartsWith("direct")).ShouldBe(1);
    }

    [Fact]
    public void SequentialOwnParameter_IsYieldedWithRecurseFalse()
    {
        using var model = nn.Sequential(nn.Linear(1, 1));
        model.register_parameter("scale", new Parameter(torch.ones(1)));
        model.NamedParameters(recurse: false).Select(x => x.Name).ShouldBe(new[] { "scale" });
        model.NamedParameters().Select(x => x.Name).ShouldBe(new[] { "scale", "0.weight", "0.bias" });
    }
}
