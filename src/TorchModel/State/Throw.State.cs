namespace TorchModel.Internal;

/// <summary>The wording of state dict errors; PyTorch's texts where PyTorch has a message for the same mistake.</summary>
internal static partial class Throw
{
    public static KeyNotFoundException NoSuchStateDictKey(string key)
        => new($"The state dict has no key \"{key}\".");

    public static ArgumentException DuplicateStateDictKey(string key, string paramName)
        => new($"The key \"{key}\" occurs more than once; the keys of a state dict must be unique.", paramName);

    public static ArgumentException NullRenamedKey(string key, string paramName)
        => new($"Renaming the key \"{key}\" returned null; return the key itself to keep it.", paramName);

    public static ArgumentException RenamedKeyCollision(string first, string second, string mapped, string paramName)
        => new($"Renaming maps both \"{first}\" and \"{second}\" to \"{mapped}\"; the keys of a state dict must be unique.", paramName);

    /// <summary>PyTorch's per-key error for a value that is not a tensor (here: null).</summary>
    public static string NotATensorMessage(string key)
        => $"While copying the parameter named \"{key}\", expected torch.Tensor or Tensor-like object from checkpoint but received <class 'NoneType'>";

    public static string DisposedTensorMessage(string key, bool checkpoint)
        => checkpoint
            ? $"While copying the parameter named \"{key}\", the tensor from checkpoint has been disposed."
            : $"While copying the parameter named \"{key}\", the tensor in the current model has been disposed.";

    public static string NotDenseMessage(string key)
        => $"While copying the parameter named \"{key}\", the tensor from checkpoint is sparse; convert it with to_dense() first.";

    /// <summary>PyTorch's per-key error for a shape mismatch.</summary>
    public static string SizeMismatchMessage(string key, Size checkpoint, Size model)
        => $"size mismatch for {key}: copying a param with shape {checkpoint} from checkpoint, the shape in current model is {model}.";

    /// <summary>PyTorch's <c>load_state_dict</c> RuntimeError: missing keys, then unexpected keys (only when strict), then
    /// the per-key errors, each list line ending with ". ".</summary>
    public static StateDictLoadException StateDictLoad(string className, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> errors, bool strict)
    {
        var lines = new List<string>(errors.Count + 2);
        if (strict && missing.Count > 0) lines.Add($"Missing key(s) in state_dict: {QuotedList(missing)}. ");
        if (strict && unexpected.Count > 0) lines.Add($"Unexpected key(s) in state_dict: {QuotedList(unexpected)}. ");
        lines.AddRange(errors);
        string message = $"Error(s) in loading state_dict for {className}:\n\t" + string.Join("\n\t", lines);
        return new StateDictLoadException(message, missing, unexpected, errors);
    }

    private static string QuotedList(IReadOnlyList<string> keys) => string.Join(", ", keys.Select(k => $"\"{k}\""));
}
