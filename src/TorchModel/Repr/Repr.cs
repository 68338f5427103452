using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns the text Python's <c>repr(model)</c> (and <c>print(model)</c>) shows for the same module tree.</summary>
    /// <param name="module">The root module.</param>
    /// <returns>The class name, the module's <see cref="ExtraRepr(Module)"/> lines and one <c>(name): child</c> entry per
    /// child, indented two spaces per level; <c>ClassName()</c> when there is neither.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The module contains itself (a registration cycle).</exception>
    /// <remarks>
    /// Equivalent to PyTorch 2.x's <c>Module.__repr__</c> (<c>print(model)</c>): a shared module prints under every
    /// key, parameters and buffers are not listed, a single extra line with no children prints on one line, and a
    /// <c>ModuleList</c> prints runs of equal consecutive entries as <c>(0-2): 3 x Block(...)</c>. Class names are the
    /// C# type names without generic arity. Native TorchSharp modules (MultiheadAttention, Transformer parts) get
    /// their PyTorch children rebuilt from parameter names. TorchSharp has no counterpart: its <c>ToString()</c> is
    /// the type name. Values TorchSharp does not keep are listed in docs/repr-differences.md. Built with an explicit
    /// stack, so any depth works.
    /// </remarks>
    public static string Repr(this Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return ReprBuilder.Build(module);
    }
}
