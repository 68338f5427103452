using System.Diagnostics;
using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Samples;

public class PortCheckSampleTests
{
    /// <summary>The sample's build output, same configuration as this test assembly (bin/&lt;Configuration&gt;/net10.0).</summary>
    private static string SampleDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        return RepositoryPaths.Of("samples", "PortCheck", "bin", configuration, "net10.0", "PortCheck.dll");
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunSample(params string[] args)
    {
        File.Exists(SampleDll()).ShouldBeTrue($"build the sample first: {SampleDll()}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SampleDll());
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The PortCheck sample did not finish within 60 s.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

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
