namespace TorchModel.Internal;

/// <summary>The wording of PyTorch-naming errors (<c>RegisterComponentsAsPyTorch</c>).</summary>
internal static partial class Throw
{
    public static InvalidOperationException ComponentNameClash(string className, string first, string second, string name)
        => new($"Members '{first}' and '{second}' of {className} both map to the PyTorch name '{name}'. Rename one, or give one [ComponentName(Name = \"...\")].");

    public static InvalidOperationException BadComponentName(string className, string member, string name)
        => new($"Member '{member}' of {className} maps to the PyTorch name '{name}', which is empty or contains \".\". Give it [ComponentName(Name = \"...\")].");

    public static InvalidOperationException ComponentNameTaken(string className, string member, string name)
        => new($"Member '{member}' of {className} maps to the PyTorch name '{name}', but {className} already registers a different object under '{name}'.");
}
