// PLACEHOLDER for merge: the state branch's StateDict replaces this file; keep the internal ctor signature.
using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace TorchModel;

/// <summary>An ordered, read-only snapshot of named tensors, the counterpart of PyTorch's state_dict <c>OrderedDict</c>.</summary>
/// <remarks>Equivalent to the <c>OrderedDict</c> PyTorch's <c>state_dict()</c> returns; unlike TorchSharp's
/// <c>Dictionary</c>, its order is part of the contract.</remarks>
public sealed class StateDict : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly List<KeyValuePair<string, Tensor>> _entries;
    private readonly Dictionary<string, Tensor> _index;
    private readonly bool _ownsValues;

    internal StateDict(IEnumerable<KeyValuePair<string, Tensor>> entries, bool ownsValues)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = new List<KeyValuePair<string, Tensor>>();
        _index = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!_index.TryAdd(entry.Key, entry.Value))
                throw new ArgumentException($"The key '{entry.Key}' appears more than once.", nameof(entries));
            _entries.Add(entry);
        }
        _ownsValues = ownsValues;
    }

    /// <summary>Gets the tensor stored under <paramref name="key"/>.</summary>
    /// <param name="key">The dotted name.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="KeyNotFoundException">No entry has that name.</exception>
    public Tensor this[string key] => _index[key];

    /// <summary>Gets the names in order.</summary>
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    /// <summary>Gets the tensors in order.</summary>
    public IEnumerable<Tensor> Values => _entries.Select(e => e.Value);

    /// <summary>Gets the number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Determines whether an entry has the name <paramref name="key"/>.</summary>
    /// <param name="key">The dotted name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool ContainsKey(string key) => _index.ContainsKey(key);

    /// <summary>Gets the tensor stored under <paramref name="key"/>, if any.</summary>
    /// <param name="key">The dotted name.</param>
    /// <param name="value">The tensor, when present.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => _index.TryGetValue(key, out value);

    /// <summary>Returns the entries in order.</summary>
    /// <returns>An enumerator over the entries.</returns>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes the tensors this snapshot owns.</summary>
    public void Dispose()
    {
        if (!_ownsValues) return;
        foreach (var (_, tensor) in _entries) tensor.Dispose();
    }
}
