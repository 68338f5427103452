// Port check: find the first layer where a C# port diverges from its PyTorch original.
// The Python side ran tools/capture_outputs.py on the original (see tests/TorchModel.Tests/Golden/gen_portcheck.py);
// its weights, input and capture are in data/. This program loads the same weights into the port, captures the same
// forward pass, and prints the comparison, which points at the layer with the planted mistake.
// Usage: dotnet run --project samples/PortCheck -- [--fixed]
using PortCheckSample;
using TorchModel;
using TorchSharp;
using static TorchSharp.torch;

bool fixedEps = false;
foreach (var arg in args)
{
    if (arg == "--fixed") fixedEps = true;
    else
    {
        Console.Error.WriteLine($"Unknown argument '{arg}'. Usage: PortCheck [--fixed]");
        return 2;
    }
}

string data = Path.Combine(AppContext.BaseDirectory, "data");
var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;

using var port = new TinyTransformer(fixedEps);
port.LoadSafeTensors(Path.Combine(data, "tiny_transformer.weights.safetensors"));
port.to(device);
using var inputs = SafeTensors.Load(Path.Combine(data, "tiny_transformer.input.safetensors"));
using var input = inputs["input0"].to(device);

// Python: capture(model, (x,)) in tools/capture_outputs.py; here the same call in C#, same names and order.
using var python = CapturedOutputs.Load(Path.Combine(data, "tiny_transformer.capture.safetensors"));
using var dotnet = port.CaptureOutputs(input);

Console.WriteLine($"Port of TinyTransformer ({(fixedEps ? "LayerNorm eps fixed" : "as first written")}), on {device.type}:");
var report = PortCheck.Compare(python, dotnet, atol: 1e-5, rtol: 1e-5);
report.Print();
return 0;
