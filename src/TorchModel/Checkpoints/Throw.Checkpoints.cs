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

    public static InvalidOperationException EntrySizeChanged(string name, long size, long written)
        => new($"The entry {name} was declared with {size} bytes but {written} were written (a tensor changed during the save).");

    public static ArgumentException UnwritableValue(Type type)
        => new($"A value of type {type} cannot be written to a torch.save checkpoint (supported: dictionaries, lists/arrays, tuples, " +
               "string, integers, floating point, bool, null, byte[], Tensor, ScalarType, Device, CheckpointValue).", "checkpoint");

    public static ArgumentException SelfContainingCheckpoint()
        => new("The checkpoint contains itself (a container is its own descendant), which a torch.save file written here cannot hold.", "checkpoint");

    public static ArgumentException UnwritableKey(Type type)
        => new($"A dictionary key of type {type} cannot be written (keys must be strings, integers, floating point, bool or null).", "checkpoint");

    public static ArgumentException DisposedCheckpointTensor()
        => new("A tensor of the checkpoint has been disposed.", "checkpoint");

    public static ArgumentException UnwritableDType(string dtype)
        => new($"A tensor has dtype {dtype}, which torch.save files written by TorchModel do not support.", "checkpoint");

    public static ArgumentException UnwritableSparse()
        => new("A sparse tensor cannot be written to a torch.save checkpoint by TorchModel.", "checkpoint");

    public static ArgumentException StorageWithTwoDTypes()
        => new("Two tensors of the checkpoint view the same memory with different dtypes; torch.save refuses that too.", "checkpoint");

    public static ArgumentException LoneSurrogate()
        => new("A string of the checkpoint holds a lone surrogate, which cannot be written as UTF-8 and read back unchanged.", "checkpoint");

    public static ArgumentOutOfRangeException CheckpointIndexOutOfRange(long index, int count, string paramName)
        => new(paramName, index, $"The index is outside the {count} items.");

    public static ArgumentNullException NullKeyInPath(string paramName)
        => new(paramName, "A key of the path is null.");

    /// <summary>A file that passed validation ended early while its bytes were streamed into a model (it was truncated
    /// or replaced in place by another process during the load).</summary>
    public static CheckpointFormatException SafeTensorsChangedDuringLoad(string file, string tensor, long begin, long end, Exception inner)
        => new($"The safetensors file '{file}' ended while tensor '{tensor}' (data_offsets [{begin}, {end}]) was being read, although its " +
               "header and length had been validated: another process truncated or rewrote it during the load. The model is partially loaded " +
               "(entries before this one in file order hold the file's values, this one is partly overwritten, later ones are unchanged); load it again.", inner);

    /// <summary>A JSON file (typically a sharded checkpoint's index) passed where a safetensors file is expected.</summary>
    public static CheckpointFormatException SafeTensorsIsJson()
        => new("Invalid safetensors file: it is a JSON text file, not a safetensors file (which starts with an 8-byte header length). " +
               "For a sharded checkpoint's index (model.safetensors.index.json, pytorch_model.bin.index.json) use ShardedCheckpoint.Load or " +
               "module.LoadShardedCheckpoint with the index or its folder.");

    /// <summary>A string Save would have to alter to write (a lone surrogate becomes U+FFFD in UTF-8).</summary>
    public static ArgumentException InvalidUtf16(string what, string text, string paramName)
        => new($"The {what} \"{Escape(text)}\" holds an unpaired UTF-16 surrogate, which UTF-8 (and so a safetensors header) cannot represent; " +
               "it would be written as U+FFFD and read back as another string.", paramName);

    /// <summary>A header Save would write but Load refuses.</summary>
    public static ArgumentException SafeTensorsHeaderTooLarge(long bytes, long limit, string paramName)
        => new($"The safetensors header would be {bytes} bytes, over the {limit}-byte limit that SafeTensors.Load (like the safetensors package) " +
               "reads; split the tensors over several files (SafeTensors.SaveSharded) or use fewer, larger tensors.", paramName);

    private static string Escape(string text)
    {
        var builder = new System.Text.StringBuilder(Math.Min(text.Length, 80));
        foreach (char c in text.Length > 80 ? text[..80] : text)
        {
            if (char.IsSurrogate(c) || char.IsControl(c)) builder.Append($"\\u{(int)c:X4}");
            else builder.Append(c);
        }
        if (text.Length > 80) builder.Append('…');
        return builder.ToString();
    }

    /// <summary>A sharded checkpoint's index that is malformed or lies about its shards.</summary>
    public static CheckpointFormatException ShardIndex(string index, string problem)
        => new($"Invalid sharded checkpoint index '{index}': {problem}.");

    public static CheckpointFormatException ShardIndex(string index, string problem, Exception inner)
        => new($"Invalid sharded checkpoint index '{index}': {problem}.", inner);

    /// <summary>A shard whose tensors disagree with the index.</summary>
    public static CheckpointFormatException ShardContents(string index, string shard, string problem)
        => new($"Invalid sharded checkpoint '{index}': shard '{shard}' {problem}.");

    public static FileNotFoundException NoShardIndex(string folder, IEnumerable<string> names)
        => new($"The folder '{folder}' holds no sharded checkpoint index ({string.Join(", ", names)}).", folder);

    public static CheckpointFormatException NotAShardIndex(string path)
        => new($"'{path}' is a single checkpoint file, not a sharded checkpoint's index (*.index.json) or a folder holding one; " +
               "load it with SafeTensors.Load / PyTorchCheckpoint.Load or module.LoadSafeTensors.");

    /// <summary>A sharded load's <see cref="StateDictLoadException"/> with the shard of every offending key appended.</summary>
    public static StateDictLoadException WithShards(StateDictLoadException error, Dictionary<string, string> shardOf)
    {
        var keys = new List<string>(error.UnexpectedKeys);
        foreach (string line in error.Errors)
        {
            var match = System.Text.RegularExpressions.Regex.Match(line, "^size mismatch for (.+): copying a param|parameter named \"(.+)\"");
            if (match.Success) keys.Add(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value);
        }
        var located = keys.Distinct().Where(shardOf.ContainsKey).Select(k => $"\"{k}\" in {shardOf[k]}").ToList();
        if (located.Count == 0) return error;
        return new StateDictLoadException(error.Message + "\n\tShards: " + string.Join(", ", located) + ".", error.MissingKeys, error.UnexpectedKeys, error.Errors);
    }
    public static ArgumentException UnreadableStream(string paramName)
        => new("The stream cannot be read.", paramName);

    public static ArgumentException EmptyPath(string paramName)
        => new("The path is empty.", paramName);

    public static ArgumentNullException NullTensor(string name, string paramName)
        => new(paramName, $"The tensor named '{name}' is null.");

    public static ArgumentException EmptyTensorName(string paramName)
        => new("A tensor name is empty; safetensors needs a non-empty name for every tensor.", paramName);

    public static ArgumentException ReservedTensorName(string paramName)
        => new("The name \"__metadata__\" is reserved by the safetensors format for metadata.", paramName);

    public static ArgumentException UnsupportedSafeTensorsDType(string name, string dtype, string supported, string paramName)
        => new($"The tensor '{name}' has dtype {dtype}, which safetensors files written by TorchModel do not support (supported: {supported}).", paramName);

    public static ArgumentNullException NullMetadataValue(string key, string paramName)
        => new(paramName, $"The metadata value of '{key}' is null.");

    public static ArgumentException MetadataFormatNotPt(string value, string paramName)
        => new($"The metadata \"format\" is always \"pt\" (PyTorch loaders require it), not \"{value}\".", paramName);

    public static ArgumentException ReservedIndexMetadata(string paramName)
        => new("The metadata key \"total_size\" is the index's own (the byte count of all tensors).", paramName);

    public static FileNotFoundException CheckpointNotFound(string path)
        => new($"Could not find the checkpoint '{path}'.", path);
}
