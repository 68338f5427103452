using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns the buffers of a module (and, by default, of its descendants), persistent and not, each tensor once.</summary>
    /// <param name="module">The root module.</param>
    /// <param name="recurse">When false, only the module's own buffers are yielded.</param>
    /// <returns>A lazy sequence of buffers in the order of <see cref="NamedBuffers"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>buffers(recurse)</c>.</remarks>
    public static IEnumerable<Tensor> Buffers(this Module module, bool recurse = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        return ModuleWalker.Buffers(module, "", recurse, removeDuplicate: true).Select(static x => x.Buffer);
    }
}
