
namespace TorchModel.Internal;

/// <summary>The wording of TorchModel's errors, in one place. Where PyTorch has a message for the same mistake, its text is used exactly.</summary>
internal static class Throw
{
    public static ModuleAttributeException NoAttribute(Module module, string item, string target)
        => new($"{PythonNames.ClassName(module)} has no attribute `{item}`", target);

    public static ModuleAttributeException NotAModule(string item, string target)
        => new($"`{item}` is not an nn.Module", target);

    public static ModuleAttributeException NotAParameter(string item, string target)
        => new($"`{item}` is not an nn.Parameter", target);

    public static ModuleAttributeException NotABuffer(string item, string target)
        => new($"`{item}` is not a buffer", target);

    public static InvalidOperationException ModuleCycle(string className)
        => new($"The module tree contains a cycle: a {className} is registered inside itself, so it has no finite repr.");

    public static InvalidOperationException ComponentNameClash(string className, string first, string second, string name)
        => new($"Members '{first}' and '{second}' of {className} both map to the PyTorch name '{name}'. Rename one, or give one [ComponentName(Name = \"...\")].");

    public static InvalidOperationException BadComponentName(string className, string member, string name)
        => new($"Member '{member}' of {className} maps to the PyTorch name '{name}', which is empty or contains \".\". Give it [ComponentName(Name = \"...\")].");

    public static InvalidOperationException ComponentNameTaken(string className, string member, string name)
        => new($"Member '{member}' of {className} maps to the PyTorch name '{name}', but {className} already registers a different object under '{name}'.");
}
