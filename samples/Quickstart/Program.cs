using TorchModel;
using TorchSharp;
using static TorchSharp.torch;

// The same tree as PyTorch's nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Sequential(nn.Conv2d(1, 3, 3), nn.Sigmoid())).
using var model = nn.Sequential(
    ("0", nn.Linear(10, 20)),
    ("1", nn.ReLU()),
    ("2", nn.Sequential(nn.Conv2d(1, 3, 3), nn.Sigmoid())));

Console.WriteLine("named_modules():");
foreach (var (name, module) in model.NamedModules())
{
    Console.WriteLine($"  '{name}' {module.GetType().Name}");
}

Console.WriteLine("named_parameters():");
foreach (var (name, parameter) in model.NamedParameters())
{
    Console.WriteLine($"  {name} {parameter.Size()}");
}

long trainable = model.Parameters().Where(p => p.requires_grad).Sum(p => p.numel());
Console.WriteLine($"trainable parameters: {trainable}");

var weight = model.GetParameter("2.0.weight");
Console.WriteLine($"get_parameter(\"2.0.weight\"): {weight.Size()}");
