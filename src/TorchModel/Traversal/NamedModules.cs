using TorchModel.Internal;

namespace TorchModel;

/// <summary>Extension methods on TorchSharp's <see cref="Module"/> whose results match PyTorch's <c>nn.Module</c> methods.</summary>
public static partial class ModuleExtensions
{
    /// <summary>
    /// Returns every module in the tree, the root first, depth-first in registration order, each with its dotted path.
    /// </summary>
    /// <param name="module">The root module.</param>
    /// <param name="prefix">The name given to the root and prepended (with a <c>.</c>) to every other path.</param>
    /// <param name="removeDuplicate">When true, a module reached by more than one path is yielded once, under its first path.</param>
    /// <returns>A lazy sequence of <c>(Name, Module)</c> pairs; the root's name is <paramref name="prefix"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="prefix"/> is null.</exception>
    /// <remarks>
    /// Equivalent to PyTorch's <c>named_modules(prefix=prefix, remove_duplicate=remove_duplicate)</c>.
    /// Unlike TorchSharp's <c>named_modules()</c>, the root is included, the order is pre-order (a module's subtree
    /// comes before its next sibling) and shared modules are de-duplicated. The walk uses an explicit stack, so any
    /// depth works. Children of TorchSharp's native modules (MultiheadAttention, Transformer layers) are not
    /// separate .NET modules and are not yielded; their parameters carry PyTorch's dotted names all the same.
    /// </remarks>
    /// <example><code>foreach (var (name, m) in model.NamedModules()) Console.WriteLine($"{name} {m.GetType().Name}");</code></example>
    public static IEnumerable<(string Name, Module Module)> NamedModules(this Module module, string prefix = "", bool removeDuplicate = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(prefix);
        return ModuleWalker.PreOrder(module, prefix, removeDuplicate);
    }
}
