namespace TorchModel;

public sealed partial class StateDict
{
    /// <summary>Returns a new state dict whose keys are this one's with <paramref name="prefix"/> prepended verbatim.</summary>
    /// <param name="prefix">Prepended as is, e.g. <c>module.</c> (include the dot).</param>
    /// <returns>A new state dict in the same order, sharing the tensors (no copy); dispose it separately.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prefix"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The state dict has been disposed.</exception>
    /// <remarks>Equivalent to PyTorch's <c>OrderedDict((prefix + k, v) for k, v in sd.items())</c>, e.g. to load weights into
    /// a model wrapped in <c>DataParallel</c>. TorchSharp has no counterpart.</remarks>
    public StateDict WithPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return Remap(key => string.Concat(prefix, key), nameof(prefix));
    }
}
