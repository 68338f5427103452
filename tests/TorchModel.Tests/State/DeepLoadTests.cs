namespace TorchModel.Tests.State;

/// <summary>LoadStateDict on a chain of 10,000 modules with a parameter at every level: no recursion, and every key,
/// missing key and unexpected key right (how fast it is belongs to DeepLoadStateDictBenchmarks).</summary>
[Collection("TorchGlobalState")]
public class DeepLoadTests
{
    private const int Depth = 10_000;

    /// <summary>One level: a one-element parameter <c>w</c> and the next level as child <c>c</c>.</summary>
    private sealed class Level : nn.Module
    {
        public Level(Level? child) : base(nameof(Level))
        {
            register_parameter("w", new Parameter(torch.zeros(1)));
            if (child is not null) register_module("c", child);
        }
    }

    private static Module Chain(int depth)
    {
        Level? level = null;
        for (int i = 0; i < depth; i++) level = new Level(level);
        return level!;
    }

    private static string Key(int level, string name) => string.Concat(Enumerable.Repeat("c.", level)) + name;

    [Fact]
    public void TenThousandDeepChain_LoadsEveryLevel_AndReportsDeepMissingAndUnexpectedKeys()
    {
        // Not disposed: TorchSharp's own Dispose of a deep chain is super-linear in depth.
        var model = Chain(Depth);
        var values = new List<Tensor>();
        var source = new Dictionary<string, Tensor>();
        for (int i = 0; i < Depth; i++)
        {
            var value = torch.full(1, (float)i);
            values.Add(value);
            source[Key(i, "w")] = value;
        }
        string dropped = Key(Depth / 2, "w");
        source.Remove(dropped);
        string unexpected = Key(Depth - 1, "bogus");
        source[unexpected] = values[0];
        string nestedUnderParameter = Key(Depth / 3, "w.inner"); // under a parameter name: unexpected since PyTorch 2.4
        source[nestedUnderParameter] = values[0];

        var result = model.LoadStateDict(source, strict: false);

        result.MissingKeys.ShouldBe(new[] { dropped });
        result.UnexpectedKeys.ShouldBe(new[] { nestedUnderParameter, unexpected });
        int level = 0;
        foreach (var (name, p) in model.NamedParameters())
        {
            name.ShouldBe(Key(level, "w"));
            p.item<float>().ShouldBe(level == Depth / 2 ? 0f : level, name);
            level++;
        }
        level.ShouldBe(Depth);
        foreach (var v in values) v.Dispose();
    }
}
