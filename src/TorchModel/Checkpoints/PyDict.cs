namespace TorchModel.Internal.Checkpoints;

/// <summary>A Python dict or OrderedDict: insertion-ordered, later assignments to a key replace its value in place.</summary>
internal sealed class PyDict
{
    private readonly Dictionary<object, int> _index = new();

    public List<KeyValuePair<object, object?>> Items { get; } = new();

    public void Set(object key, object? value)
    {
        if (_index.TryGetValue(key, out int at)) Items[at] = new(key, value);
        else { _index[key] = Items.Count; Items.Add(new(key, value)); }
    }
}
