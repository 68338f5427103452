using TorchModel;
using TorchSharp;
using static TorchSharp.torch;

// The same tree as PyTorch's nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Sequential(nn.Conv2d(1, 3, 3), nn.Sigmoid())).
using var model = nn.Sequential(
    nn.Linear(10, 20),
    nn.ReLU(),
    nn.Sequential(nn.Conv2d(1, 3, 3), nn.Sigmoid()));

Console.WriteLine("print(model):");
Console.WriteLine(model.Repr());

Console.WriteLine();
Console.WriteLine("named_modules():");
foreach (var (name, module) in model.NamedModules())
{
    Console.WriteLine($"  '{name}' {module.GetType().Name}");
}

Console.WriteLine();
Console.WriteLine("named_parameters():");
foreach (var (name, parameter) in model.NamedParameters())
{
    Console.WriteLine($"  {name} {parameter.Size()}");
}

Console.WriteLine();
Console.WriteLine("state_dict():");
using (var state = model.StateDict())
{
    foreach (var (key, value) in state) Console.WriteLine($"  {key} {value.Size()}");
}

Console.WriteLine();
var counts = model.CountParameters();
Console.WriteLine($"parameters: {counts.Total} total, {counts.Trainable} trainable");
Console.WriteLine($"get_parameter(\"2.0.weight\"): {model.GetParameter("2.0.weight").Size()}");
try
{
    model.GetSubmodule("2.nope");
}
catch (ModuleAttributeException e)
{
    Console.WriteLine($"get_submodule(\"2.nope\"): AttributeError: {e.Message}");
}

Console.WriteLine();
Console.WriteLine(model.Summary());
