using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns the direct children of a module, in registration order, each module once.</summary>
    /// <param name="module">The parent module.</param>
    /// <returns>A lazy sequence of modules.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>children()</c>: the modules of <see cref="NamedChildren"/> without names.</remarks>
    public static IEnumerable<Module> Children(this Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return ModuleWalker.Children(module).Select(static x => x.Module);
    }
}
