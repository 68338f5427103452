using System.Collections;
using System.Diagnostics.CodeAnalysis;
using TorchModel.Internal;

namespace TorchModel;

/// <summary>
/// An ordered, read-only snapshot of a module's parameters and persistent buffers by dotted name, as PyTorch's
/// <c>state_dict()</c> returns it. The order of <see cref="Keys"/> is part of the contract.
/// </summary>
/// <remarks>
/// Equivalent to the <c>OrderedDict</c> PyTorch's <c>state_dict()</c> returns. Unlike TorchSharp's
/// <c>state_dict()</c>, which returns a <see cref="Dictionary{TKey, TValue}"/> of the live parameters with every buffer
/// after every parameter, the order is PyTorch's (module by module) and the values are detached views.
/// A <see cref="StateDict"/> owns only the detached views it created: <see cref="Dispose"/> releases those and never
/// a model's own parameters or buffers (which <c>keepVars: true</c> and the public constructor hold without owning).
/// </remarks>
public sealed partial class StateDict : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly List<string> _keys;
    private readonly List<Tensor> _values;
    private readonly List<bool> _owned;
    private readonly Dictionary<string, int> _index;
    private List<Tensor>? _replacedOwned;
    private bool _disposed;

    /// <summary>Creates a state dict over the given entries, in their order, without taking ownership of the tensors.</summary>
    /// <param name="entries">The entries, e.g. tensors loaded from a checkpoint.</param>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/>, a key or a value is null.</exception>
    /// <exception cref="ArgumentException">A key occurs twice.</exception>
    /// <remarks>Equivalent to building an <c>OrderedDict</c> in PyTorch. Disposing the result disposes none of the given tensors.</remarks>
    public StateDict(IEnumerable<KeyValuePair<string, Tensor>> entries)
        : this(0)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var (key, value) in entries)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(entries));
            ArgumentNullException.ThrowIfNull(value, nameof(entries));
            if (_index.ContainsKey(key)) throw Throw.DuplicateStateDictKey(key, nameof(entries));
            Set(key, value, owned: false);
        }
    }

    /// <summary>Creates a state dict that owns the given tensors (e.g. just read from a checkpoint): disposing it
    /// disposes them. Keys must be unique.</summary>
    internal static StateDict Owning(IEnumerable<KeyValuePair<string, Tensor>> entries)
    {
        var result = new StateDict(0);
        foreach (var (key, value) in entries)
        {
            if (result._index.ContainsKey(key)) throw Throw.DuplicateStateDictKey(key, nameof(entries));
            result.Set(key, value, owned: true);
        }
        return result;
    }

    internal StateDict(int capacity)
    {
        _keys = new List<string>(capacity);
        _values = new List<Tensor>(capacity);
        _owned = new List<bool>(capacity);
        _index = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
    }

    /// <summary>Adds an entry, or replaces the value of an existing key in place (Python dict assignment).</summary>
    internal void Set(string key, Tensor value, bool owned)
    {
        if (_index.TryGetValue(key, out int at))
        {
            if (_owned[at]) (_replacedOwned ??= []).Add(_values[at]);
            _values[at] = value;
            _owned[at] = owned;
            return;
        }
        _index.Add(key, _keys.Count);
        _keys.Add(key);
        _values.Add(value);
        _owned.Add(owned);
    }

    /// <summary>Describes the state dict for a debugger or a log: the entry count, and the first keys with their dtype and
    /// shape.</summary>
    /// <returns>E.g. <c>StateDict(62 entries: 'conv1.weight': float32 [64, 3, 7, 7], 'bn1.weight': float32 [64], ... 57 more)</c>;
    /// a disposed entry shows as <c>disposed</c>.</returns>
    /// <remarks>PyTorch prints an <c>OrderedDict</c> of every tensor's values, unreadable for a model; this shows what a
    /// user checks first: how many entries, which names, which shapes.</remarks>
    public override string ToString()
    {
        const int Shown = 5;
        var sb = new System.Text.StringBuilder("StateDict(").Append(_keys.Count).Append(_keys.Count == 1 ? " entry" : " entries");
        for (int i = 0; i < _keys.Count && i < Shown; i++)
        {
            sb.Append(i == 0 ? ": " : ", ").Append(PythonLiteral.Repr(_keys[i])).Append(": ");
            var value = _values[i];
            if (value.IsInvalid) sb.Append("disposed");
            else sb.Append(PythonLiteral.DType(value.dtype)["torch.".Length..]).Append(" [").Append(string.Join(", ", value.shape)).Append(']');
        }
        if (_keys.Count > Shown) sb.Append(", ... ").Append(_keys.Count - Shown).Append(" more");
        return sb.Append(')').ToString();
    }

    /// <summary>Gets the number of entries.</summary>
    public int Count => _keys.Count;

    /// <summary>Gets the keys in order (PyTorch's <c>state_dict().keys()</c>).</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>Gets the tensors in key order.</summary>
    /// <exception cref="ObjectDisposedException">The state dict has been disposed.</exception>
    public IReadOnlyList<Tensor> Values
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _values;
        }
    }

    IEnumerable<string> IReadOnlyDictionary<string, Tensor>.Keys => _keys;

    IEnumerable<Tensor> IReadOnlyDictionary<string, Tensor>.Values => Values;

    /// <summary>Gets the tensor stored under a key.</summary>
    /// <param name="key">The dotted name, e.g. <c>0.weight</c>.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="KeyNotFoundException">No entry has that key.</exception>
    /// <exception cref="ObjectDisposedException">The state dict has been disposed.</exception>
    public Tensor this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _index.TryGetValue(key, out int at) ? _values[at] : throw Throw.NoSuchStateDictKey(key);
        }
    }

    /// <summary>Determines whether an entry has the key.</summary>
    /// <param name="key">The dotted name.</param>
    /// <returns>True when the key is present.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _index.ContainsKey(key);
    }

    /// <summary>Gets the tensor stored under a key, if any.</summary>
    /// <param name="key">The dotted name.</param>
    /// <param name="value">The tensor, or null when the key is absent.</param>
    /// <returns>True when the key is present.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The state dict has been disposed.</exception>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_index.TryGetValue(key, out int at))
        {
            value = _values[at];
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>Finds a key given as characters, returning the stored key string itself (no allocation).</summary>
    internal bool TryGetStoredKey(ReadOnlySpan<char> key, [MaybeNullWhen(false)] out string storedKey, [MaybeNullWhen(false)] out Tensor value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_index.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out storedKey, out int at))
        {
            value = _values[at];
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>Returns the entries in key order.</summary>
    /// <returns>An enumerator of key/tensor pairs.</returns>
    /// <exception cref="ObjectDisposedException">The state dict has been disposed.</exception>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Entries();
    }

    private IEnumerator<KeyValuePair<string, Tensor>> Entries()
    {
        for (int i = 0; i < _keys.Count; i++)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            yield return new KeyValuePair<string, Tensor>(_keys[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Releases the detached views this state dict created; the model's own tensors are never disposed.</summary>
    /// <remarks>Tensors the state dict holds without owning them (<c>keepVars: true</c>, or given to the public
    /// constructor) stay usable. Calling it twice is harmless.</remarks>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int i = 0; i < _values.Count; i++)
        {
            if (_owned[i]) _values[i].Dispose();
        }
        if (_replacedOwned is not null)
        {
            foreach (var t in _replacedOwned) t.Dispose();
        }
    }

    /// <summary>Builds a new state dict with every key mapped, sharing (not copying) the tensors: views this
    /// one owns are detached again so that each state dict disposes only its own.</summary>
    private StateDict Remap(Func<string, string> map, string paramName)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var newKeys = new string[_keys.Count];
        var seen = new Dictionary<string, string>(_keys.Count, StringComparer.Ordinal);
        for (int i = 0; i < _keys.Count; i++)
        {
            string mapped = map(_keys[i]) ?? throw Throw.NullRenamedKey(_keys[i], paramName);
            if (!seen.TryAdd(mapped, _keys[i])) throw Throw.RenamedKeyCollision(seen[mapped], _keys[i], mapped, paramName);
            newKeys[i] = mapped;
        }
        var result = new StateDict(_keys.Count);
        try
        {
            for (int i = 0; i < newKeys.Length; i++)
            {
                result.Set(newKeys[i], _owned[i] ? _values[i].detach() : _values[i], _owned[i]);
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
