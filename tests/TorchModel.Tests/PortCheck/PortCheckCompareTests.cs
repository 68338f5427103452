namespace TorchModel.Tests.PortCheck;

[Collection("TorchGlobalState")]
public class PortCheckCompareTests
{
    private static PortCheckReport Check(string model, PlantedBug bug)
    {
        using var twin = PortCheckFixtures.Twin(model, bug);
        using var input = PortCheckFixtures.Input(model);
        using var python = PortCheckFixtures.Python(model);
        using var dotnet = twin.CaptureOutputs(input, PortCheckFixtures.Options(model));
        return TorchModel.PortCheck.Compare(python, dotnet, atol: 1e-5, rtol: 1e-5);
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("transformer")]
    public void FaithfulPort_MatchesPyTorchWithin1e5(string model)
    {
        var report = Check(model, PlantedBug.None);

        report.FirstDivergence.ShouldBeNull(report.ToString());
        report.SuspectModule.ShouldBeNull();
        report.IsMatch.ShouldBeTrue();
        report.Entries.Count.ShouldBeGreaterThan(10);
        report.Entries.ShouldAllBe(e => e.MaxAbsError <= 1e-5);
        report.ToString().ShouldContain("all within tolerance.");
    }

    [Theory]
    [InlineData("cnn", PlantedBug.MissingRelu, "features.2", false, "features.2")]
    [InlineData("transformer", PlantedBug.LayerNormEps, "blocks.0.norm2", false, "blocks.0.norm2")]
    [InlineData("transformer", PlantedBug.TransposedReshape, "blocks.1.attn.proj:in[0]", true, "blocks.1.attn")]
    public void PlantedBug_FirstDivergenceNamesThePlantedLayer(string model, PlantedBug bug, string first, bool isInput, string suspect)
    {
        var report = Check(model, bug);

        report.FirstDivergence.ShouldNotBeNull();
        report.FirstDivergence.Name.ShouldBe(first);
        report.FirstDivergence.IsInput.ShouldBe(isInput);
        report.FirstDivergence.Status.ShouldBe(PortCheckStatus.ExceedsTolerance);
        report.FirstDivergence.MaxAbsError.ShouldBeGreaterThan(1e-4);
        report.SuspectModule.ShouldBe(suspect);
        report.Entries.TakeWhile(e => e != report.FirstDivergence).ShouldAllBe(e => !e.Diverges);
        report.MissingInActual.ShouldBeEmpty();
        report.MissingInExpected.ShouldBeEmpty();
        report.ToString().ShouldContain($"look at the forward of '{suspect}'");
    }

    [Fact]
    public void Print_WritesTableWithTheFirstDivergenceMarked()
    {
        var report = Check("cnn", PlantedBug.MissingRelu);
        var writer = new StringWriter();
        report.Print(writer);
        var lines = writer.ToString().Split('\n');

        lines[0].TrimStart().ShouldStartWith("#  name");
        lines.Count(l => l.StartsWith(">>", StringComparison.Ordinal)).ShouldBe(1);
        lines.Single(l => l.StartsWith(">>", StringComparison.Ordinal)).ShouldContain("features.2  ");
        lines.Single(l => l.StartsWith(">>", StringComparison.Ordinal)).ShouldEndWith("DIVERGES");
        writer.ToString().ShouldContain("First divergence: #6 features.2 (output, max abs error");
    }

    [Fact]
    public void ShapeDTypeAndMissingNames_AreReported()
    {
        using var e1 = torch.zeros(2, 3);
        using var a1 = torch.zeros(3, 2);
        using var e2 = torch.ones(4);
        using var a2 = torch.ones(4, dtype: ScalarType.Float64);
        using var e3 = torch.ones(1);
        using var a4 = torch.ones(1);
        var expected = new StateDict([new("a", e1), new("b", e2), new("only.python", e3)]);
        var actual = new StateDict([new("b", a2), new("a", a1), new("only.dotnet", a4)]);

        var report = TorchModel.PortCheck.Compare(expected, actual);

        report.Entries.Select(e => (e.Name, e.Status)).ShouldBe(new[] { ("a", PortCheckStatus.ShapeMismatch), ("b", PortCheckStatus.DTypeMismatch) });
        report.FirstDivergence!.Name.ShouldBe("a");
        report.MissingInActual.ShouldBe(new[] { "only.python" });
        report.MissingInExpected.ShouldBe(new[] { "only.dotnet" });
        report.IsMatch.ShouldBeFalse();
        report.ToString().ShouldBe(
            "Port check (atol=1.00e-05, rtol=1.00e-05): 2 tensors compared, 2 diverge.\n" +
            "First divergence: #0 a (output, shape [3, 2] instead of [2, 3]).\n" +
            "Every earlier capture matches: look at the forward of 'a'.\n" +
            "Missing in the port (1): only.python\n" +
            "Only in the port (1): only.dotnet");
    }

    [Theory]
    [InlineData(new float[] { 1, 2, 0 }, new float[] { 1, 2, 0 }, 0.0, 0.0, PortCheckStatus.Match)]
    [InlineData(new float[] { 100, 2 }, new float[] { 100.0005f, 2 }, 5e-4, 5e-6, PortCheckStatus.Match)]
    [InlineData(new float[] { 1, 2 }, new float[] { 1, 2.001f }, 1e-3, 5e-4, PortCheckStatus.ExceedsTolerance)]
    [InlineData(new float[] { 0, 1 }, new float[] { 1e-6f, 1 }, 1e-6, double.PositiveInfinity, PortCheckStatus.Match)]
    [InlineData(new float[] { float.NaN, 1 }, new float[] { float.NaN, 1 }, 0.0, 0.0, PortCheckStatus.Match)]
    [InlineData(new float[] { 1, 1 }, new float[] { float.NaN, 1 }, double.NaN, double.NaN, PortCheckStatus.ExceedsTolerance)]
    public void Errors_FollowAllcloseRule(float[] expectedValues, float[] actualValues, double maxAbs, double maxRel, PortCheckStatus status)
    {
        using var e = torch.tensor(expectedValues);
        using var a = torch.tensor(actualValues);
        var report = TorchModel.PortCheck.Compare(new StateDict([new("x", e)]), new StateDict([new("x", a)]), atol: 1e-5, rtol: 1e-5);

        var entry = report.Entries.Single();
        entry.Status.ShouldBe(status);
        if (double.IsNaN(maxAbs)) entry.MaxAbsError.ShouldBe(double.NaN);
        else entry.MaxAbsError.ShouldBe(maxAbs, maxAbs * 2e-2 + 1e-12); // float32 inputs: 100.0005f is 100.00050354
        if (double.IsNaN(maxRel) || double.IsInfinity(maxRel)) entry.MaxRelError.ShouldBe(maxRel);
        else entry.MaxRelError.ShouldBe(maxRel, maxRel * 1e-2 + 1e-12);
    }

    [Theory]
    [InlineData(-1e-5, 0.0, "atol")]
    [InlineData(0.0, double.NaN, "rtol")]
    [InlineData(double.PositiveInfinity, 0.0, "atol")]
    public void BadTolerance_Throws(double atol, double rtol, string param)
    {
        var empty = new StateDict([]);
        Should.Throw<ArgumentOutOfRangeException>(() => TorchModel.PortCheck.Compare(empty, empty, atol, rtol)).ParamName.ShouldBe(param);
    }

    [Fact]
    public void InputOfRoot_Diverging_PointsAtTheInputs()
    {
        using var e = torch.zeros(2);
        using var a = torch.ones(2);
        var report = TorchModel.PortCheck.Compare(new StateDict([new("(root):in[0]", e)]), new StateDict([new("(root):in[0]", a)]));
        report.FirstDivergence!.IsInput.ShouldBeTrue();
        report.SuspectModule.ShouldBeNull();
        report.ToString().ShouldContain("The model's own inputs differ");
    }
}
