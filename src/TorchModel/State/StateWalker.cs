namespace TorchModel.Internal;

/// <summary>
/// What PyTorch's <c>state_dict</c> and <c>load_state_dict</c> visit: every module in pre-order without
/// de-duplication (a shared module is visited under each of its paths), and for each its own non-null parameters,
/// then its own non-null persistent buffers.
/// </summary>
internal static class StateWalker
{
    /// <summary>One own entry of a module: its name (dotted for TorchSharp's native modules) and tensor.</summary>
    public readonly record struct Entry(string Name, Tensor Tensor);

    /// <summary>One module visit: its index in visit order (the root is 0), its parent's index (-1 for the root), its
    /// name in the parent, and its dotted path from the root (no prefix).</summary>
    public readonly record struct Visit(int Index, int Parent, string Name, string Path);

    /// <summary>Calls <paramref name="visit"/> for every module in PyTorch's <c>state_dict</c> order with its visit and
    /// its own state entries (the list is reused between calls). An explicit stack: depth costs no call stack, and
    /// each path is built once from its parent's, so a chain of n modules costs n visits.</summary>
    public static void Walk(Module root, Action<Visit, List<Entry>> visit)
    {
        var parameters = new List<(string Name, Parameter Parameter)>();
        var buffers = new List<(string Name, Tensor Buffer)>();
        var entries = new List<Entry>();
        var children = new List<(string Name, Module Module)>();
        var stack = new Stack<(int Parent, string Name, string Path, Module Module)>();
        stack.Push((-1, "", "", root));
        int index = 0;
        while (stack.Count > 0)
        {
            var (parent, name, path, module) = stack.Pop();
            parameters.Clear();
            buffers.Clear();
            entries.Clear();
            ModuleInternals.OwnParameters(module, parameters);
            ModuleInternals.OwnBuffers(module, buffers, persistentOnly: true);
            foreach (var (entryName, parameter) in parameters) entries.Add(new Entry(entryName, parameter));
            foreach (var (entryName, buffer) in buffers) entries.Add(new Entry(entryName, buffer));
            int current = index++;
            visit(new Visit(current, parent, name, path), entries);

            children.Clear();
            ModuleInternals.Children(module, children);
            for (int i = children.Count - 1; i >= 0; i--)
            {
                var (childName, child) = children[i];
                stack.Push((current, childName, PythonNames.Join(path, childName), child));
            }
        }
    }

    /// <summary>The state key of a module's own entry: PyTorch's <c>prefix + module_path + '.' + name</c>.</summary>
    public static string Key(string prefix, string path, string name)
        => path.Length == 0 ? string.Concat(prefix, name) : string.Concat(prefix, path, ".", name);
}
