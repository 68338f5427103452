namespace TorchModel;

public sealed partial class StateDict
{
    /// <summary>Returns a new state dict with <paramref name="prefix"/> removed from the start of every key that has it.</summary>
    /// <param name="prefix">Removed where present, e.g. <c>module.</c> from a checkpoint saved from a
    /// <c>DataParallel</c>/<c>DistributedDataParallel</c> model. Keys without it are kept unchanged.</param>
    /// <returns>A new state dict in the same order, sharing the tensors (no copy); dispose it separately.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prefix"/> is null.</exception>
    /// <exception cref="ArgumentException">Removing the prefix makes two keys equal (e.g. both <c>module.w</c> and <c>w</c>).</exception>
    /// <exception cref="ObjectDisposedException">The state dict has been disposed.</exception>
    /// <remarks>Equivalent to PyTorch's <c>torch.nn.modules.utils.consume_prefix_in_state_dict_if_present(sd, prefix)</c>,
    /// except that it returns a new state dict instead of changing this one, and a collision is an error instead of a
    /// silent overwrite. TorchSharp has no counterpart.</remarks>
    public StateDict WithoutPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return Remap(key => key.StartsWith(prefix, StringComparison.Ordinal) ? key[prefix.Length..] : key, nameof(prefix));
    }
}
