using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.Traversal;

public class NamedBuffersTests
{
    private static string[] Describe(IEnumerable<(string Name, Tensor Buffer)> buffers)
        => buffers.Select(x => $"{x.Name} {string.Join(",", x.Buffer.shape)}").ToArray();

    [Theory]
    [MemberData(nameof(TraversalGolden.AllModels), MemberType = typeof(TraversalGolden))]
    public void NamedBuffers_MatchPyTorch(string model)
    {
        using var m = GoldenModels.Create(model);
        var golden = TraversalGolden.Of(model);
        Describe(m.NamedBuffers()).ShouldBe(golden.GetProperty("named_buffers").ShapedNames());
        Describe(m.NamedBuffers(prefix: "model")).ShouldBe(golden.GetProperty("named_buffers_prefix").ShapedNames());
        Describe(m.NamedBuffers(recurse: false)).ShouldBe(golden.GetProperty("named_buffers_no_recurse").ShapedNames());
        m.Buffers().Count().ShouldBe(golden.GetProperty("named_buffers").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(TraversalGolden.ModelsWithPyTorchTree), MemberType = typeof(TraversalGolden))]
    public void NamedBuffers_WithoutDeduplication_MatchPyTorch2x(string model)
    {
        using var m = GoldenModels.Create(model);
        Describe(m.NamedBuffers(removeDuplicate: false)).ShouldBe(TraversalGolden.Of(model).GetProperty("named_buffers_all").ShapedNames());
    }

    [Fact]
    public void NonPersistentBuffer_IsIncluded()
    {
        using var model = new WithBuffers();
        model.NamedBuffers(recurse: false).Select(x => x.Name).ShouldBe(new[] { "steps", "cache", "mask" });
    }
}
