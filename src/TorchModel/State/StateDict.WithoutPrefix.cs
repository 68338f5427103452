namespace TorchModel;

public sealed partial class StateDict
{
    /// <summary>Returns a new state dict with <paramref name="prefix"/> removed from the start of every key that has it.</summary>
    /// <param name="prefix">Removed where present, e.g. <c>module.</c> from a checkpoint saved from a
    /// <c>DataParallel</c>/<c>DistributedDataParallel</c> model. Keys without it are kept unchanged.</param>
    /// <returns>A new state dict sharing the tensors (no copy); dispose it separately.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prefix"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The state dict has been disposed.</exception>
    /// <remarks>Equivalent to PyTorch 2.x's <c>torch.nn.modules.utils.consume_prefix_in_state_dict_if_present(sd, prefix)</c>
    /// applied to a copy: keys are visited in order and each stripped key is removed and re-inserted at the end, so when
    /// every key has the prefix (a DDP checkpoint) the order is kept, and otherwise the keys without it come first. When
    /// a stripped key already exists (both <c>module.w</c> and <c>w</c>), the existing key keeps its place and takes the
    /// stripped entry's tensor, as in PyTorch; the other tensor is left out. PyTorch 1.13 visited the keys in sorted
    /// order. It returns a new state dict instead of changing this one. TorchSharp has no counterpart.</remarks>
    public StateDict WithoutPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Simulate Python's ordered dict: positions with tombstones, each holding the index of its source entry.
        var keys = new List<string?>(_keys);
        var sources = Enumerable.Range(0, _keys.Count).ToList();
        var at = new Dictionary<string, int>(_keys.Count, StringComparer.Ordinal);
        for (int i = 0; i < _keys.Count; i++) at[_keys[i]] = i;
        foreach (string key in _keys)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || !at.TryGetValue(key, out int position)) continue;
            int source = sources[position];
            keys[position] = null;
            at.Remove(key);
            string stripped = key[prefix.Length..];
            if (at.TryGetValue(stripped, out int existing)) sources[existing] = source;
            else
            {
                at[stripped] = keys.Count;
                keys.Add(stripped);
                sources.Add(source);
            }
        }
        var result = new StateDict(at.Count);
        try
        {
            for (int i = 0; i < keys.Count; i++)
            {
                if (keys[i] is not { } key) continue;
                int s = sources[i];
                result.Set(key, _owned[s] ? _values[s].detach() : _values[s], _owned[s]);
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }
}
