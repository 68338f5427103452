using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Samples;

/// <summary>samples/SeedTour prints, byte for byte, what the seed tutorial's Python snippets print on real PyTorch
/// (Golden/seed_tour/&lt;n&gt;.txt from gen_seed_tour.py).</summary>
public sealed class SeedTourTests
{
    public static TheoryData<int> Sections() => new(Enumerable.Range(0, global::SeedTour.Tour.SectionCount));

    [Theory]
    [MemberData(nameof(Sections))]
    public void Section_PrintsWhatPyTorchPrints(int section)
    {
        var output = new StringWriter();
        global::SeedTour.Tour.Run(section, output);
        output.ToString().ShouldBe(File.ReadAllText(Golden.PathOf(Path.Combine("seed_tour", $"{section}.txt"))));
    }

    [Fact]
    public void TrainableCount_ComesFromParameters()
    {
        // PyTorch's sum(p.numel() for p in model.parameters() if p.requires_grad), last token of section 5.
        long pytorch = long.Parse(File.ReadAllText(Golden.PathOf(Path.Combine("seed_tour", "5.txt"))).TrimEnd().Split(' ')[^1]);
        using var model = new global::SeedTour.SimpleModel1();
        model.Parameters().Where(p => p.requires_grad).Sum(p => p.numel()).ShouldBe(pytorch);
        model.CountParameters().Trainable.ShouldBe(pytorch);
    }
}
