using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns every module in the tree, the root first, depth-first in registration order, each once.</summary>
    /// <param name="module">The root module.</param>
    /// <returns>A lazy sequence of modules.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>modules()</c>: the modules of <see cref="NamedModules"/> without names.
    /// Unlike TorchSharp's <c>modules()</c>, the root is included, the order is pre-order and shared modules appear once.</remarks>
    public static IEnumerable<Module> Modules(this Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return ModuleWalker.PreOrder(module, "", removeDuplicate: true).Select(static x => x.Module);
    }
}
