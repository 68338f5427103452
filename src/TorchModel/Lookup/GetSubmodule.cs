using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns the submodule at a dotted path; the empty path is the module itself.</summary>
    /// <param name="module">The module to start from.</param>
    /// <param name="target">A dotted path such as <c>layer1.0.conv1</c>.</param>
    /// <returns>The submodule.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="target"/> is null.</exception>
    /// <exception cref="ModuleAttributeException">A segment names nothing (<c>Linear has no attribute `nope`</c>) or names a
    /// parameter, buffer or property rather than a module (<c>`weight` is not an nn.Module</c>).</exception>
    /// <remarks>Equivalent to PyTorch's <c>get_submodule(target)</c>, with its message texts. TorchSharp has no
    /// counterpart. Costs O(depth).</remarks>
    public static Module GetSubmodule(this Module module, string target)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(target);
        return PathResolver.Submodule(module, target);
    }
}
