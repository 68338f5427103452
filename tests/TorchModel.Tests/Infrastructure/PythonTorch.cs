using System.Diagnostics;

namespace TorchModel.Tests.Infrastructure;

/// <summary>Debian's <c>/usr/bin/python3</c> with PyTorch, which the golden generator and the round-trip checks use.</summary>
public static class PythonTorch
{
    private const string Interpreter = "/usr/bin/python3";

    /// <summary>Whether <c>/usr/bin/python3</c> exists and imports torch (checked once).</summary>
    public static bool IsAvailable => Availability.Value;

    /// <summary>Why a test that needs Python's torch does not run.</summary>
    public const string Missing = "needs /usr/bin/python3 with torch (Debian's python3-torch); not installed here";

    private static readonly Lazy<bool> Availability = new(() => File.Exists(Interpreter) && Run("-c", "import torch").ExitCode == 0);

    /// <summary>Runs the interpreter and returns its exit code and its stdout followed by its stderr.</summary>
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
