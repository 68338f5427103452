namespace TorchModel;

public sealed partial class StateDict
{
    /// <summary>Returns a new state dict whose keys are this one's mapped by <paramref name="rename"/>.</summary>
    /// <param name="rename">Maps an old key to its new key; return the key itself to keep it.</param>
    /// <returns>A new state dict in the same order, sharing the tensors (no copy); dispose it separately.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rename"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="rename"/> returns null, or maps two keys to the same key.</exception>
    /// <exception cref="ObjectDisposedException">The state dict has been disposed.</exception>
    /// <remarks>Equivalent to PyTorch's <c>OrderedDict((rename(k), v) for k, v in sd.items())</c>, except that two keys
    /// mapped to one is an error instead of a silent overwrite. TorchSharp has no counterpart.</remarks>
    public StateDict RenameKeys(Func<string, string> rename)
    {
        ArgumentNullException.ThrowIfNull(rename);
        return Remap(rename, nameof(rename));
    }
}
