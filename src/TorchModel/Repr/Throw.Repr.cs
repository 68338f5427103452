namespace TorchModel.Internal;

/// <summary>The wording of repr errors.</summary>
internal static partial class Throw
{
    public static InvalidOperationException ModuleCycle(string className)
        => new($"The module tree contains a cycle: a {className} is registered inside itself, so it has no finite repr.");
}
