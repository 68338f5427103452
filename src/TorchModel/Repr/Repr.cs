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

    /// <summary>Returns the text PyTorch's <c>extra_repr()</c> gives for this module alone, without children.</summary>
    /// <param name="module">The module.</param>
    /// <returns>The extra representation, e.g. <c>in_features=10, out_features=20, bias=True</c>; empty when the
    /// PyTorch class prints none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <remarks>
    /// Equivalent to PyTorch's <c>module.extra_repr()</c>, for every TorchSharp module type with a PyTorch counterpart
    /// (values formatted as Python does: <c>True</c>, <c>(3,)</c>, <c>1e-05</c>, <c>None</c>, <c>'none'</c>). A custom
    /// module supplies its own by implementing <see cref="IExtraRepr"/>. TorchSharp has no counterpart.
    /// </remarks>
    public static string ExtraRepr(this Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return ExtraReprs.Of(module);
    }
}
