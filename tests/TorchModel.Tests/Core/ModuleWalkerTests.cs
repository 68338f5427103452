using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.Internal;

/// <summary>
/// The walker reuses its stack and memo sets per thread. Walks that overlap (nested loops), walks abandoned half-way
/// and walks that fail must leave nothing behind that changes a later walk's answer.
/// </summary>
public class ModuleWalkerTests
{
    private static string[] Names<T>(IEnumerable<(string Name, T Value)> items) => items.Select(x => x.Name).ToArray();

    [Theory]
    [MemberData(nameof(TraversalGolden.ModelsWithPyTorchTree), MemberType = typeof(TraversalGolden))]
    public void WalksNestedInAWalk_MatchPyTorch(string model)
    {
        using var m = GoldenModels.Create(model);
        var golden = TraversalGolden.Of(model);
        var modules = golden.GetProperty("named_modules").Names();
        var parameters = golden.GetProperty("named_parameters").Names();
        var buffers = golden.GetProperty("named_buffers").Names();

        var outer = new List<string>();
        foreach (var (name, _) in m.NamedModules())
        {
            outer.Add(name);
            Names(m.NamedModules()).ShouldBe(modules);
            Names(m.NamedParameters()).ShouldBe(parameters);
            Names(m.NamedBuffers()).ShouldBe(buffers);
        }
        outer.ShouldBe(modules);
    }

    [Theory]
    [MemberData(nameof(TraversalGolden.ModelsWithPyTorchTree), MemberType = typeof(TraversalGolden))]
    public void WalksAfterAbandonedWalks_MatchPyTorch(string model)
    {
        using var m = GoldenModels.Create(model);
        var golden = TraversalGolden.Of(model);

        // Stopped after one element: disposed with entries still on the stack and in the memo.
        m.NamedModules().Take(1).ToList();
        m.NamedParameters().Take(1).ToList();
        m.NamedBuffers().Take(1).ToList();
        // Never disposed: its storage is simply not reused.
        var open = m.NamedModules().GetEnumerator();
        open.MoveNext().ShouldBeTrue();

        Names(m.NamedModules()).ShouldBe(golden.GetProperty("named_modules").Names());
        Names(m.NamedParameters()).ShouldBe(golden.GetProperty("named_parameters").Names());
        Names(m.NamedBuffers()).ShouldBe(golden.GetProperty("named_buffers").Names());
    }

    [Fact]
    public void WalkOfAnotherModel_DoesNotDeduplicateAgainstThePreviousOne()
    {
        using var tied = new TiedLM();
        using var again = new TiedLM();
        var expected = TraversalGolden.Of("TiedLM").GetProperty("named_parameters").Names();

        Names(tied.NamedParameters()).ShouldBe(expected);
        Names(tied.NamedParameters()).ShouldBe(expected);
        Names(again.NamedParameters()).ShouldBe(expected);
    }
}
