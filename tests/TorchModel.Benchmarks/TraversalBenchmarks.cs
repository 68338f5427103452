using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TorchModel;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// TorchModel's traversal next to TorchSharp's own methods (the baselines), on a wide and a deep model.
/// Every benchmark enumerates the whole sequence and consumes each name, so lazy sequences cost what they cost.
/// </summary>
/// <remarks>
/// Wide: a <c>Sequential</c> of 5,000 <c>Sequential(Linear(1, 1), ReLU())</c> blocks (15,001 modules, 10,000 parameters).
/// Deep: 500 nested <c>Sequential</c>s around one <c>Linear</c> (501 modules); TorchSharp's recursive
/// <c>named_modules()</c> re-yields every module through each enclosing iterator, so its cost is quadratic in depth.
/// The deep model is never disposed: TorchSharp's <c>Dispose</c> of a deep chain is super-linear.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TraversalBenchmarks
{
    public const int WideBlocks = 5_000;
    public const int Depth = 500;

    private nn.Module wide = null!;
    private nn.Module deep = null!;

    [GlobalSetup]
    public void Setup()
    {
        var blocks = new (string, nn.Module<Tensor, Tensor>)[WideBlocks];
        for (int i = 0; i < WideBlocks; i++)
        {
            blocks[i] = (i.ToString(System.Globalization.CultureInfo.InvariantCulture), nn.Sequential(nn.Linear(1, 1), nn.ReLU()));
        }
        wide = nn.Sequential(blocks);

        nn.Module<Tensor, Tensor> inner = nn.Linear(1, 1);
        for (int i = 0; i < Depth; i++)
        {
            inner = nn.Sequential(inner);
        }
        deep = inner;

        // Both sides must walk the same modules, or the ratios mean nothing. TorchSharp leaves out the root and
        // yields children before grandchildren, so compare the names as sets, root aside.
        Check(wide.named_modules().Select(x => x.name), wide.NamedModules().Select(x => x.Name), "wide modules");
        Check(wide.named_parameters().Select(x => x.name), wide.NamedParameters().Select(x => x.Name), "wide parameters");
        Check(deep.named_modules().Select(x => x.name), deep.NamedModules().Select(x => x.Name), "deep modules");
    }

    private static void Check(IEnumerable<string> torchSharp, IEnumerable<string> ours, string what)
    {
        var expected = torchSharp.Order(StringComparer.Ordinal);
        var actual = ours.Where(name => name.Length > 0).Order(StringComparer.Ordinal);
        if (!expected.SequenceEqual(actual)) throw new InvalidOperationException($"TorchSharp and TorchModel disagree on the {what}.");
    }

    [GlobalCleanup]
    public void Cleanup() => wide.Dispose();

    [BenchmarkCategory("Wide NamedModules"), Benchmark(Baseline = true)]
    public int Wide_named_modules()
    {
        int length = 0;
        foreach (var (name, _) in wide.named_modules()) length += name.Length;
        return length;
    }

    [BenchmarkCategory("Wide NamedModules"), Benchmark]
    public int Wide_NamedModules()
    {
        int length = 0;
        foreach (var (name, _) in wide.NamedModules()) length += name.Length;
        return length;
    }

    [BenchmarkCategory("Wide NamedParameters"), Benchmark(Baseline = true)]
    public int Wide_named_parameters()
    {
        int length = 0;
        foreach (var (name, _) in wide.named_parameters()) length += name.Length;
        return length;
    }

    [BenchmarkCategory("Wide NamedParameters"), Benchmark]
    public int Wide_NamedParameters()
    {
        int length = 0;
        foreach (var (name, _) in wide.NamedParameters()) length += name.Length;
        return length;
    }

    [BenchmarkCategory("Deep NamedModules"), Benchmark(Baseline = true)]
    public int Deep_named_modules()
    {
        int length = 0;
        foreach (var (name, _) in deep.named_modules()) length += name.Length;
        return length;
    }

    [BenchmarkCategory("Deep NamedModules"), Benchmark]
    public int Deep_NamedModules()
    {
        int length = 0;
        foreach (var (name, _) in deep.NamedModules()) length += name.Length;
        return length;
    }
}
