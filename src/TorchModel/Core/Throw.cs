
namespace TorchModel.Internal;

/// <summary>The wording of TorchModel's errors, in one place. Where PyTorch has a message for the same mistake, its text is used exactly.</summary>
internal static partial class Throw
{
    public static ModuleAttributeException NoAttribute(Module module, string item, string target)
        => new($"{PythonNames.ClassName(module)} has no attribute `{item}`", target);

    public static ModuleAttributeException NotAModule(string item, string target)
        => new($"`{item}` is not an nn.Module", target);

    public static ModuleAttributeException NotAParameter(string item, string target)
        => new($"`{item}` is not an nn.Parameter", target);

    public static ModuleAttributeException NotABuffer(string item, string target)
        => new($"`{item}` is not a buffer", target);

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
    public static ArgumentException NoParameterMatches(PathPattern pattern, IEnumerable<string> names)
        => new($"Pattern '{pattern.Text}' matches no parameter name.{Nearest(pattern.Text, names)}", "pattern");

    public static ArgumentException NoNameMatches(PathPattern pattern, string what, IEnumerable<string> names, string paramName)
        => new($"Pattern '{pattern.Text}' matches no {what} name.{Nearest(pattern.Text, names)}", paramName);

    /// <summary>" Nearest names: 'a', 'b', 'c'." by edit distance to the pattern text, or a note that there are none.</summary>
    private static string Nearest(string text, IEnumerable<string> names)
    {
        var nearest = names.Where(static n => n.Length > 0).Distinct()
            .Select(n => (Name: n, Distance: EditDistance(text, n)))
            .OrderBy(static x => x.Distance).ThenBy(static x => x.Name, StringComparer.Ordinal)
            .Take(3).Select(static x => "'" + x.Name + "'").ToList();
        return nearest.Count == 0
            ? " The module has no parameters."
            : $" Nearest names: {string.Join(", ", nearest)}. Use '**' for any number of segments, e.g. 'layer4.**'.";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    public static InvalidOperationException StaleParameterGroup(string name)
        => new($"Parameter group entry '{name}' is no longer the model's parameter of that name: it was disposed or replaced, "
             + "typically by model.to(device) or to(dtype) after the groups were built (TorchSharp replaces Parameter objects on a move). "
             + "Move the model first, then build the groups (and the optimizer).");
    public static InvalidOperationException ModuleCycle(string className)
        => new($"The module tree contains a cycle: a {className} is registered inside itself, so it has no finite repr.");

    public static InvalidOperationException ComponentNameClash(string className, string first, string second, string name)
        => new($"Members '{first}' and '{second}' of {className} both map to the PyTorch name '{name}'. Rename one, or give one [ComponentName(Name = \"...\")].");

    public static InvalidOperationException BadComponentName(string className, string member, string name)
        => new($"Member '{member}' of {className} maps to the PyTorch name '{name}', which is empty or contains \".\". Give it [ComponentName(Name = \"...\")].");

    public static InvalidOperationException ComponentNameTaken(string className, string member, string name)
        => new($"Member '{member}' of {className} maps to the PyTorch name '{name}', but {className} already registers a different object under '{name}'.");
}
