using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns the buffers of a module (and, by default, of its descendants) with their dotted names,
    /// persistent and non-persistent alike.</summary>
    /// <param name="module">The root module.</param>
    /// <param name="prefix">Prepended (with a <c>.</c>) to every name.</param>
    /// <param name="recurse">When false, only the module's own buffers are yielded.</param>
    /// <param name="removeDuplicate">When true, a buffer reached twice is yielded once, under its first name.</param>
    /// <returns>A lazy sequence of <c>(Name, Buffer)</c> pairs, module by module in pre-order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="prefix"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch 2.x's <c>named_buffers(prefix, recurse, remove_duplicate)</c>. Unlike TorchSharp's
    /// <c>named_buffers</c>, non-persistent buffers are included (PyTorch leaves them out of <c>state_dict</c> only).</remarks>
    public static IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(this Module module, string prefix = "", bool recurse = true, bool removeDuplicate = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(prefix);
        return ModuleWalker.Buffers(module, prefix, recurse, removeDuplicate);
    }
}
