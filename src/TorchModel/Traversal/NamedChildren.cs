using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns the direct children of a module with their names, in registration order, each module once.</summary>
    /// <param name="module">The parent module.</param>
    /// <returns>A lazy sequence of <c>(Name, Module)</c> pairs.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>named_children()</c>. Unlike TorchSharp's <c>named_children()</c>, a module
    /// registered under two names is yielded once (under the first), and a <c>ModuleList</c>/<c>ModuleDict</c> shows its
    /// current entries even before it is registered in a parent.</remarks>
    public static IEnumerable<(string Name, Module Module)> NamedChildren(this Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return ModuleWalker.Children(module);
    }
}
