using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
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
