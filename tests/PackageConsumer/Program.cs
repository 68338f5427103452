// The consumer of the TorchModel package (see PackageConsumer.csproj.template): PyTorch's tutorial model
// (SimpleModel2 of the seed tour), printed as PyTorch prints `for name, param in model.named_parameters():
// print(name, param.size())`. Building Conv2d and Linear calls into libtorch, so the native libraries must load.
using TorchModel;
using static TorchSharp.torch;

using var model = new SimpleModel2();
foreach (var (name, parameter) in model.NamedParameters())
{
    Console.WriteLine($"{name} {parameter.Size()}");
}

internal sealed class SimpleModel2 : nn.Module
{
    public SimpleModel2() : base(nameof(SimpleModel2))
    {
        register_module("conv1", nn.Conv2d(1, 10, kernel_size: 5));
        register_module("conv2", nn.Conv2d(10, 20, kernel_size: 5));
        register_module("fc1", nn.Linear(320, 50));
        register_module("fc2", nn.Linear(50, 10));
    }
}
