namespace TorchModel.Internal;

/// <summary>
/// What PyTorch's <c>state_dict</c> and <c>load_state_dict</c> visit: every module in pre-order without
/// de-duplication (a shared module is visited under each of its paths), and for each its own non-null parameters,
/// then its own non-null persistent buffers.
/// </summary>
internal static class StateWalker
{
    /// <summary>One module visit: its dotted path from the root (no prefix), and its state entries in order.</summary>
    public readonly record struct Entry(string Name, Tensor Tensor);

    /// <summary>Calls <paramref name="visit"/> for every module in PyTorch's <c>state_dict</c> order with its path and
    /// its own state entries (the list is reused between calls).</summary>
    public static void Walk(Module root, Action<string, List<Entry>> visit) => Walk(root, (path, _, entries) => visit(path, entries));

    /// <summary>As <see cref="Walk(Module, Action{string, List{Entry}})"/>, also passing the visited module.</summary>
    public static void Walk(Module root, Action<string, Module, List<Entry>> visit)
    {
        var parameters = new List<(string Name, Parameter Parameter)>();
        var buffers = new List<(string Name, Tensor Buffer)>();
        var entries = new List<Entry>();
        foreach (var (path, module) in ModuleWalker.PreOrder(root, "", removeDuplicate: false))
        {
            parameters.Clear();
            buffers.Clear();
            entries.Clear();
            ModuleInternals.OwnParameters(module, parameters);
            ModuleInternals.OwnBuffers(module, buffers, persistentOnly: true);
            foreach (var (name, parameter) in parameters) entries.Add(new Entry(name, parameter));
            foreach (var (name, buffer) in buffers) entries.Add(new Entry(name, buffer));
            visit(path, module, entries);
        }
    }

    /// <summary>The state key of a module's own entry: PyTorch's <c>prefix + module_path + '.' + name</c>.</summary>
    public static string Key(string prefix, string path, string name)
        => path.Length == 0 ? string.Concat(prefix, name) : string.Concat(prefix, path, ".", name);
}
