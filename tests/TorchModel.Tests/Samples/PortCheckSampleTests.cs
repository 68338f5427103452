using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Samples;

public class PortCheckSampleTests
{
    private static Task<(int ExitCode, string Output, string Error)> RunSample(params string[] args) => SampleRunner.Run("PortCheck", 60, args);

    [Fact]
    public async Task PortAsFirstWritten_ReportPointsAtTheFirstLayerNorm()
    {
        var (exitCode, output, error) = await RunSample();

        exitCode.ShouldBe(0, error + output);
        output.ShouldContain("28 tensors compared, 25 diverge.");
        output.ShouldContain("First divergence: #2 blocks.0.norm1 (output, max abs error");
        output.ShouldContain("look at the forward of 'blocks.0.norm1'.");
        output.Split('\n').Single(l => l.StartsWith(">>", StringComparison.Ordinal)).ShouldContain(" blocks.0.norm1 ");
    }

    [Fact]
    public async Task FixedPort_MatchesPyTorch()
    {
        var (exitCode, output, error) = await RunSample("--fixed");

        exitCode.ShouldBe(0, error + output);
        output.ShouldContain("28 tensors compared, all within tolerance.");
        output.ShouldNotContain("DIVERGES");
    }

    [Fact]
    public async Task BadArgument_FailsWithUsage()
    {
        var (exitCode, _, error) = await RunSample("--bogus");
        exitCode.ShouldBe(2);
        error.ShouldContain("Usage: PortCheck");
    }
}
