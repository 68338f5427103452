namespace TorchModel.Internal;

// Checkpoint format errors (issues #6, #11, #18).
internal static partial class Throw
{
    public static CheckpointFormatException SafeTensors(string problem)
        => new($"Invalid safetensors file: {problem}.");

    public static CheckpointFormatException SafeTensors(string problem, Exception inner)
        => new($"Invalid safetensors file: {problem}.", inner);

    public static CheckpointFormatException Pickle(string problem)
        => new($"Invalid torch.save checkpoint: {problem}.");

    public static CheckpointFormatException Pickle(string problem, Exception inner)
        => new($"Invalid torch.save checkpoint: {problem}.", inner);

    public static CheckpointFormatException ForbiddenGlobal(string module, string name, string path)
        => new($"Refusing to load the torch.save checkpoint: it refers to the Python global '{module}.{name}' (at {path}), which a weights-only load does not allow " +
               "(allowed: dict, collections.OrderedDict, list, tuple, str, bytes, int, float, bool, None, tensors and parameters, torch.Size, torch.dtype and torch.device).");

    public static CheckpointFormatException WithFile(CheckpointFormatException e, string path)
        => new(e.Message.TrimEnd('.') + $" (file '{path}').", e);

    public static InvalidOperationException CheckpointValueIsNot(CheckpointValue value, string wanted)
        => new($"The checkpoint value is {value}, not {wanted}.");

    public static KeyNotFoundException CheckpointKeyNotFound(string key, CheckpointDict dict)
        => new($"The checkpoint dict has no key '{key}'; its keys are: {KeyList(dict)}.");

    public static KeyNotFoundException CheckpointPathNotFound(string[] path, int step, CheckpointValue at)
    {
        string where = step == 0 ? "the top level" : "[" + string.Join("][", path[..step].Select(k => "'" + k + "'")) + "]";
        string has = at.IsDict ? "its keys are: " + KeyList(at.AsDict())
            : at.IsList || at.IsTuple ? $"it is a {(at.IsList ? "list" : "tuple")} of {at.Count} items"
            : $"it is {at}";
        return new($"The checkpoint has no '{path[step]}' at {where}; {has}.");
    }

    public static CheckpointFormatException NotAStateDict(string path, string where, CheckpointValue value)
    {
        string hint = "";
        if (value.IsDict)
        {
            var stateDicts = StateDictPaths(value);
            hint = stateDicts.Count > 0
                ? $" These entries are state_dicts: {string.Join(", ", stateDicts)}; pass one as the key path, e.g. PyTorchCheckpoint.Load(path, {stateDicts[0].Split('/').Select(k => "\"" + k + "\"").Aggregate((a, b) => a + ", " + b)})."
                : $" Its keys are: {KeyList(value.AsDict())}; none of them is a state_dict (a dict of str to tensors).";
        }
        return new($"The torch.save checkpoint '{path}' holds {value} at {where}, not a state_dict (a dict of str to tensors).{hint}");
    }

    private static List<string> StateDictPaths(CheckpointValue root)
    {
        var found = new List<string>();
        foreach (var (key, value) in root.AsDict())
        {
            if (value.IsStateDict) found.Add(key.IsString ? key.AsString() : key.ToString());
            else if (value.IsList)
            {
                for (int i = 0; i < value.Count; i++)
                    if (value.AsList()[i].IsStateDict) found.Add($"{key.AsStringOrText()}/{i}");
            }
        }
        return found;
    }

    private static string AsStringOrText(this CheckpointValue value) => value.IsString ? value.AsString() : value.ToString();

    private static string KeyList(CheckpointDict dict)
    {
        const int Shown = 20;
        var keys = dict.Keys.Take(Shown).Select(k => k.IsString ? "'" + k.AsString() + "'" : k.ToString());
        return dict.Count == 0 ? "(none)" : string.Join(", ", keys) + (dict.Count > Shown ? $", ... ({dict.Count} in all)" : "");
    }
}
