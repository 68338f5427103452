using System.Diagnostics.CodeAnalysis;

namespace TorchModel.Internal;

/// <summary>
/// Looks up a load's input by a key given as characters. For a <see cref="Dictionary{TKey,TValue}"/> whose comparer
/// allows it, and for a <see cref="StateDict"/>, no string is built and the stored key object itself is returned, so
/// a later pass can recognize it by reference; any other dictionary is asked with a new string.
/// </summary>
internal sealed class SourceKeys
{
    private readonly IReadOnlyDictionary<string, Tensor> source;
    private readonly StateDict? stateDict;
    private readonly Dictionary<string, Tensor>.AlternateLookup<ReadOnlySpan<char>> lookup;
    private readonly bool hasLookup;

    public SourceKeys(IReadOnlyDictionary<string, Tensor> source)
    {
        this.source = source;
        stateDict = source as StateDict;
        hasLookup = source is Dictionary<string, Tensor> dictionary && dictionary.TryGetAlternateLookup(out lookup);
        ReturnsStoredKeys = stateDict is not null || hasLookup;
    }

    /// <summary>Whether <see cref="TryGet"/> returns the input's own key objects (comparable by reference).</summary>
    public bool ReturnsStoredKeys { get; }

    public bool TryGet(ReadOnlySpan<char> key, [MaybeNullWhen(false)] out string storedKey, [MaybeNullWhen(false)] out Tensor value)
    {
        if (stateDict is not null) return stateDict.TryGetStoredKey(key, out storedKey, out value);
        if (hasLookup) return lookup.TryGetValue(key, out storedKey, out value);
        storedKey = new string(key);
        return source.TryGetValue(storedKey, out value);
    }
}
