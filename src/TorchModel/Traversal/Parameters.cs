using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns the parameters of a module (and, by default, of its descendants), each tensor once.</summary>
    /// <param name="module">The root module.</param>
    /// <param name="recurse">When false, only the module's own parameters are yielded.</param>
    /// <returns>A lazy sequence of parameters in the order of <see cref="NamedParameters"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>parameters(recurse)</c>. Tied weights are yielded once, so
    /// <c>Parameters().Sum(p =&gt; p.numel())</c> counts as PyTorch does.</remarks>
    public static IEnumerable<Parameter> Parameters(this Module module, bool recurse = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        return ModuleWalker.Parameters(module, "", recurse, removeDuplicate: true).Select(static x => x.Parameter);
    }
}
