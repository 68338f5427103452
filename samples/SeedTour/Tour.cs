using TorchModel;
using TorchSharp;

namespace SeedTour;

/// <summary>
/// The eight sections of the seed tutorial. Each writes exactly what the Python snippet prints
/// (print(a, b) joins with one space and ends with "\n").
/// </summary>
public static class Tour
{
    public const int SectionCount = 8;

    public static void Run(int section, TextWriter output)
    {
        switch (section)
        {
            case 0: Section0Parameter(output); break;
            case 1: Section1Modules(output); break;
            case 2: Section2NamedModules(output); break;
            case 3: Section3Children(output); break;
            case 4: Section4NamedChildren(output); break;
            case 5: Section5Parameters(output); break;
            case 6: Section6NamedParameters(output); break;
            case 7: Section7StateDict(output); break;
            default: throw new ArgumentOutOfRangeException(nameof(section), section, $"The tour has sections 0 to {SectionCount - 1}.");
        }
    }

    private static void Print(TextWriter output, params object[] values) => output.Write(string.Join(' ', values) + "\n");

    /// <summary>for name, param in MyModel().named_parameters(): print(name, param.size())</summary>
    public static void Section0Parameter(TextWriter output)
    {
        using var model = new MyModel();
        foreach (var (name, param) in model.NamedParameters()) Print(output, name, param.Size());
    }

    /// <summary>for module in seq().modules(): print(module)</summary>
    public static void Section1Modules(TextWriter output)
    {
        using var model = Models.Seq();
        foreach (var module in model.Modules()) Print(output, module.Repr());
    }

    /// <summary>for name, module in seq().named_modules(): print(name, module)</summary>
    public static void Section2NamedModules(TextWriter output)
    {
        using var model = Models.Seq();
        foreach (var (name, module) in model.NamedModules()) Print(output, name, module.Repr());
    }

    /// <summary>for child in seq().children(): print(child)</summary>
    public static void Section3Children(TextWriter output)
    {
        using var model = Models.Seq();
        foreach (var child in model.Children()) Print(output, child.Repr());
    }

    /// <summary>for name, child in seq().named_children(): print(name, child)</summary>
    public static void Section4NamedChildren(TextWriter output)
    {
        using var model = Models.Seq();
        foreach (var (name, child) in model.NamedChildren()) Print(output, name, child.Repr());
    }

    /// <summary>parameters() and sum(p.numel() for p in model.parameters() if p.requires_grad)</summary>
    public static void Section5Parameters(TextWriter output)
    {
        using var model = new SimpleModel1();
        foreach (var param in model.Parameters()) Print(output, param.Size());
        long totalTrainableParams = model.Parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        Print(output, "Total trainable parameters: ", totalTrainableParams);
    }

    /// <summary>for name, param in SimpleModel2().named_parameters(): print(name, param.size())</summary>
    public static void Section6NamedParameters(TextWriter output)
    {
        using var model = new SimpleModel2();
        foreach (var (name, param) in model.NamedParameters()) Print(output, name, param.Size());
    }

    /// <summary>for key, value in SimpleModel2().state_dict().items(): print(key, value.size())</summary>
    public static void Section7StateDict(TextWriter output)
    {
        using var model = new SimpleModel2();
        using var state = model.StateDict();
        foreach (var (key, value) in state) Print(output, key, value.Size());
    }
}
