using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns the parameter at a dotted path.</summary>
    /// <param name="module">The module to start from.</param>
    /// <param name="target">A dotted path such as <c>fc1.weight</c>.</param>
    /// <returns>The registered parameter object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="target"/> is null.</exception>
    /// <exception cref="ModuleAttributeException">The path names nothing (<c>Linear has no attribute `nope`</c>) or names
    /// something that is not a parameter (<c>`running_mean` is not an nn.Parameter</c>).</exception>
    /// <remarks>Equivalent to PyTorch's <c>get_parameter(target)</c>, with its message texts. TorchSharp's
    /// <c>get_parameter</c> returns null instead and cannot tell a missing path from a buffer. Costs O(depth).</remarks>
    public static Parameter GetParameter(this Module module, string target)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(target);
        return PathResolver.Parameter(module, target);
    }
}
