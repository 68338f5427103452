using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchModel.CudaChecks;

/// <summary>Runs named checks per device and prints one line each: <c>PASS</c>, <c>FAIL</c> or <c>SKIP</c>.</summary>
/// <remarks>A check throws <see cref="CheckFailedException"/> (or anything else) to fail. A CUDA check on a machine
/// without CUDA is a visible SKIP, which <c>--require-cuda</c> turns into a failure.</remarks>
internal sealed class CheckRunner(bool cudaAvailable, bool requireCuda)
{
    private int _passed;
    private int _failed;
    private int _skipped;

    public int Passed => _passed;
    public int Failed => _failed;
    public int Skipped => _skipped;

    /// <summary>Runs <paramref name="check"/> on <paramref name="device"/>, or skips it where the device is missing.</summary>
    public void Run(string name, Device device, Action<Device> check)
    {
        string label = device.type == DeviceType.CUDA ? "cuda" : "cpu ";
        if (device.type == DeviceType.CUDA && !cudaAvailable)
        {
            if (requireCuda)
            {
                _failed++;
                Console.WriteLine($"FAIL  {label}  {name}: CUDA is not available and --require-cuda was given");
            }
            else
            {
                _skipped++;
                Console.WriteLine($"SKIP  {label}  {name}: CUDA is not available");
            }
            return;
        }

        var watch = Stopwatch.StartNew();
        try
        {
            using (torch.NewDisposeScope())
            {
                check(device);
            }
            if (device.type == DeviceType.CUDA) torch.cuda.synchronize();
            _passed++;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PASS  {label}  {name} ({watch.Elapsed.TotalMilliseconds:F0} ms)"));
        }
        catch (Exception e)
        {
            _failed++;
            string message = e is CheckFailedException ? e.Message : e.ToString();
            Console.WriteLine($"FAIL  {label}  {name}: {message.ReplaceLineEndings(Environment.NewLine + "      ")}");
        }
    }

    /// <summary>Prints a check that cannot run yet, with the reason (an API that does not exist, a missing golden).</summary>
    public void Skip(string name, Device device, string reason)
    {
        _skipped++;
        Console.WriteLine($"SKIP  {(device.type == DeviceType.CUDA ? "cuda" : "cpu ")}  {name}: {reason}");
    }
}
