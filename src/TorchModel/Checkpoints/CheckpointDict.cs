using System.Collections;
using System.Diagnostics.CodeAnalysis;
using TorchModel.Internal.Checkpoints;

namespace TorchModel;

/// <summary>A read-only <c>dict</c> (or <c>OrderedDict</c>) of a <c>torch.save</c> file: its items in insertion order,
/// looked up by <c>str</c> or <c>int</c> key as Python's dict does.</summary>
/// <remarks>Keys may be <c>str</c>, <c>int</c>, <c>float</c>, <c>bool</c>, <c>None</c> or <c>bytes</c>; an optimizer's
/// <c>state</c> dict has int keys. Equal keys follow Python (<c>1</c>, <c>1.0</c> and <c>True</c> are one key).</remarks>
public sealed class CheckpointDict : IReadOnlyList<KeyValuePair<CheckpointValue, CheckpointValue>>
{
    private const int IndexThreshold = 8;
    private readonly List<KeyValuePair<CheckpointValue, CheckpointValue>> _items = new();
    private Dictionary<CheckpointValue, int>? _index;

    internal CheckpointDict(bool ordered) => Ordered = ordered;

    /// <summary>Gets whether the file held a <c>collections.OrderedDict</c> (a state_dict) rather than a plain dict.</summary>
    internal bool Ordered { get; set; }

    /// <summary>Gets the number of items.</summary>
    public int Count => _items.Count;

    /// <summary>Gets the item at a position, in insertion order.</summary>
    /// <param name="index">The position.</param>
    /// <returns>The key and value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the dict.</exception>
    public KeyValuePair<CheckpointValue, CheckpointValue> this[int index] => _items[index];

    /// <summary>Gets the keys in insertion order.</summary>
    public IEnumerable<CheckpointValue> Keys => _items.Select(static e => e.Key);

    /// <summary>Gets the values in insertion order.</summary>
    public IEnumerable<CheckpointValue> Values => _items.Select(static e => e.Value);

    /// <summary>Looks up a <c>str</c> key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, or null when absent.</param>
    /// <returns>True when the key is present.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out CheckpointValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TryGetValue(CheckpointValue.String(key), out value);
    }

    /// <summary>Looks up an <c>int</c> key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, or null when absent.</param>
    /// <returns>True when the key is present.</returns>
    public bool TryGetValue(long key, [MaybeNullWhen(false)] out CheckpointValue value) => TryGetValue(CheckpointValue.Int(key), out value);

    /// <summary>Determines whether a <c>str</c> key is present.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when present.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TryGetValue(key, out _);
    }

    /// <summary>Returns the items in insertion order.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<KeyValuePair<CheckpointValue, CheckpointValue>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal bool TryGetValue(CheckpointValue key, [MaybeNullWhen(false)] out CheckpointValue value)
    {
        int at = Find(key);
        value = at >= 0 ? _items[at].Value : null;
        return at >= 0;
    }

    /// <summary>Python's <c>d[key] = value</c>: a new key is appended, an existing one keeps its place.</summary>
    internal void Set(CheckpointValue key, CheckpointValue value)
    {
        int at = Find(key);
        if (at >= 0)
        {
            _items[at] = new(_items[at].Key, value);
            return;
        }
        _items.Add(new(key, value));
        if (_index is not null) _index.Add(key, _items.Count - 1);
        else if (_items.Count > IndexThreshold)
        {
            _index = new Dictionary<CheckpointValue, int>(_items.Count * 2, CheckpointKeyComparer.Instance);
            for (int i = 0; i < _items.Count; i++) _index.Add(_items[i].Key, i);
        }
    }

    private int Find(CheckpointValue key)
    {
        if (_index is not null) return _index.TryGetValue(key, out int at) ? at : -1;
        for (int i = 0; i < _items.Count; i++)
        {
            if (CheckpointKeyComparer.Instance.Equals(_items[i].Key, key)) return i;
        }
        return -1;
    }
}
