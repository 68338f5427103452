// TorchModel's CUDA checks (issue #15): every device-crossing path of the library, run on the CPU and, where CUDA is
// available, on cuda, one line per check and device:
//   PASS  cuda  LoadSafeTensors into the device (12 ms)
//   SKIP  cuda  LoadSafeTensors into the device: CUDA is not available
// Usage: TorchModel.CudaChecks [--require-cuda] [--expect-no-cuda] [--cuda-repr-golden FILE] [--work DIR]
//   --require-cuda      a CUDA check that cannot run fails instead of skipping (the GPU machine's run)
//   --expect-no-cuda    fail if CUDA is available (the CPU rehearsal and CI assert the CPU fallbacks)
//   --cuda-repr-golden  repr.json-shaped file that the GPU machine's PyTorch wrote for CUDA parameters
//                       (build/gpu/repr_golden.py); without it the CUDA repr check is skipped
//   --work              folder for the files the checks write (default: a new temporary folder)
// Exit code: 0 when nothing failed, 1 otherwise, 2 for bad arguments. The last line is "N passed, N failed, N skipped".
using System.Globalization;
using TorchModel.CudaChecks;
using TorchSharp;
using static TorchSharp.torch;

bool requireCuda = false, expectNoCuda = false;
string? cudaReprGolden = null, work = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--require-cuda": requireCuda = true; break;
        case "--expect-no-cuda": expectNoCuda = true; break;
        case "--cuda-repr-golden" when i + 1 < args.Length: cudaReprGolden = args[++i]; break;
        case "--work" when i + 1 < args.Length: work = args[++i]; break;
        default:
            Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Usage: TorchModel.CudaChecks [--require-cuda] [--expect-no-cuda] [--cuda-repr-golden FILE] [--work DIR]");
            return 2;
    }
}
work ??= Directory.CreateTempSubdirectory("torchmodel-cuda-checks-").FullName;
Directory.CreateDirectory(work);

bool cudaAvailable = torch.cuda.is_available();
Console.WriteLine($"cuda-checks: TorchSharp {typeof(torch).Assembly.GetName().Version}, built for libtorch {torch.__version__}");
foreach (var library in NativeLibraries.Loaded("libtorch_cpu.so", "libtorch_cuda.so", "libc10_cuda.so", "libLibTorchSharp.so"))
    Console.WriteLine($"cuda-checks: loaded {library}");
Console.WriteLine(cudaAvailable
    ? $"cuda-checks: torch.cuda.is_available() = true, device_count = {torch.cuda.device_count()}, cudnn = {torch.cuda.is_cudnn_available()}"
    : "cuda-checks: torch.cuda.is_available() = false");
if (expectNoCuda && cudaAvailable)
{
    Console.WriteLine("cuda-checks: --expect-no-cuda, but CUDA is available");
    return 1;
}

var runner = new CheckRunner(cudaAvailable, requireCuda);
var devices = new[] { torch.CPU, new Device(DeviceType.CUDA, 0) };
string cpuReprGolden = Path.Combine(AppContext.BaseDirectory, "fixtures", "repr.json");
foreach (var device in devices)
{
    runner.Run("traversal of a model moved to the device", device, DeviceChecks.Traversal);
    runner.Run("StateDict entries are views on the device", device, DeviceChecks.StateDictViews);
    runner.Run("LoadStateDict of CPU tensors into the device", device, DeviceChecks.LoadStateDictFromCpu);
    runner.Run("LoadStateDict of the device's state into a CPU model", device, DeviceChecks.LoadStateDictIntoCpu);
    runner.Run("LoadSafeTensors of PyTorch's file into the device", device, DeviceChecks.LoadSafeTensors);
    runner.Run("PyTorchCheckpoint (torch.save file) into the device", device, DeviceChecks.LoadTorchSave);
    runner.Run("SaveSafeTensors from the device reads back equal", device, d => DeviceChecks.SaveSafeTensors(d, work));
    runner.Run("optimizer groups rebuilt after .to(device)", device, DeviceChecks.OptimizerGroupsAfterTo);
    runner.Run("Summary on the device", device, DeviceChecks.Summary);
    runner.Run("CaptureOutputs on the device equals the CPU capture", device, DeviceChecks.CaptureOutputs);
    string? golden = device.type == DeviceType.CUDA ? cudaReprGolden : cpuReprGolden;
    if (golden is null && cudaAvailable)
        runner.Skip("Repr of parameters on the device", device, "no --cuda-repr-golden from the GPU machine's PyTorch");
    else
        runner.Run("Repr of parameters on the device", device, d => DeviceChecks.Repr(d, golden!));
    runner.Run("50 FineTune steps on the device, reloaded on the CPU", device, d => DeviceChecks.FineTune(d, work));
    runner.Run("torch.save of the device's state (SavePyTorch / LoadPyTorch)", device, d => DeviceChecks.SaveTorchSave(d, work));
    runner.Run("training checkpoint: AdamW moved with MoveTo, saved on the device, resumed on the CPU", device, d => DeviceChecks.TrainingCheckpointAcrossDevices(d, work));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{runner.Passed} passed, {runner.Failed} failed, {runner.Skipped} skipped"));
return runner.Failed == 0 ? 0 : 1;
