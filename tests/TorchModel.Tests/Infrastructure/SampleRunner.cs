using System.Diagnostics;

namespace TorchModel.Tests.Infrastructure;

/// <summary>Runs a sample's built program (same configuration as this test assembly) and collects its output.</summary>
internal static class SampleRunner
{
    /// <summary>The sample's build output: samples/&lt;name&gt;/bin/&lt;Configuration&gt;/net10.0/&lt;name&gt;.dll.</summary>
    public static string Dll(string sample)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        return RepositoryPaths.Of("samples", sample, "bin", configuration, "net10.0", sample + ".dll");
    }

    /// <summary>Runs the sample with <paramref name="args"/>; kills it and throws <see cref="TimeoutException"/> after
    /// <paramref name="timeoutSeconds"/>.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> Run(string sample, int timeoutSeconds, params string[] args)
    {
        string dll = Dll(sample);
        File.Exists(dll).ShouldBeTrue($"build the sample first: {dll}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The {sample} sample did not finish within {timeoutSeconds} s.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
