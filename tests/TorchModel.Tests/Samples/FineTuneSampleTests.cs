using TorchModel.Tests.Infrastructure;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TorchModel.Tests.Samples;

public partial class FineTuneSampleTests
{
    [GeneratedRegex(@"^epoch (\d+)/(\d+)  loss (\d+\.\d+)  accuracy (\d+\.\d)%$", RegexOptions.Multiline)]
    private static partial Regex EpochLine();

    private static Task<(int ExitCode, string Output, string Error)> RunSample(int timeoutSeconds, params string[] args)
        => SampleRunner.Run("FineTune", timeoutSeconds, args);

    [Fact]
    public async Task FineTune_RunsBriefly_LossFalls_AndSavesWeights()
    {
        var weights = Path.Combine(Path.GetTempPath(), $"finetune-test-{Guid.NewGuid():N}.safetensors");
        try
        {
            var (exitCode, output, error) = await RunSample(120, "--epochs", "3", "--out", weights);
            exitCode.ShouldBe(0, error + output);
            output.ShouldContain(torch.cuda.is_available() ? "device: cuda" : "device: cpu (torch.cuda.is_available() is false)");
            output.ShouldContain("Total params: 1,556");
            output.ShouldContain("trainable params: 260 of 1,556");
            output.ShouldContain("group: weight_decay=0 params=head.bias");
            var epochs = EpochLine().Matches(output).Select(m => (
                Epoch: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                Loss: double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
                Accuracy: double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture))).ToList();
            epochs.Select(e => e.Epoch).ShouldBe(new[] { 1, 2, 3 });
            epochs[^1].Loss.ShouldBeLessThan(epochs[0].Loss);
            epochs[^1].Accuracy.ShouldBeGreaterThan(50.0); // chance is 25 %
            output.ShouldContain($"final accuracy: {epochs[^1].Accuracy.ToString("F1", CultureInfo.InvariantCulture)}%");
            using (var saved = SafeTensors.Load(weights)) saved.Keys.ShouldContain("head.bias");
        }
        finally
        {
            File.Delete(weights);
        }
    }

    [Fact]
    public async Task FineTune_BadArgument_FailsWithUsage()
    {
        var (exitCode, _, error) = await RunSample(60, "--epochs", "zero");
        exitCode.ShouldBe(2);
        error.ShouldContain("Usage: FineTune");
    }
}
