using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns the buffer (persistent or not) at a dotted path.</summary>
    /// <param name="module">The module to start from.</param>
    /// <param name="target">A dotted path such as <c>bn1.running_mean</c>.</param>
    /// <returns>The registered buffer tensor.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="target"/> is null.</exception>
    /// <exception cref="ModuleAttributeException">The path names nothing (<c>BatchNorm2d has no attribute `nope`</c>) or
    /// names something that is not a buffer (<c>`weight` is not a buffer</c>).</exception>
    /// <remarks>Equivalent to PyTorch's <c>get_buffer(target)</c>, with its message texts. TorchSharp's
    /// <c>get_buffer</c> returns null instead. Costs O(depth).</remarks>
    public static Tensor GetBuffer(this Module module, string target)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(target);
        return PathResolver.Buffer(module, target);
    }
}
