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

    /// <summary>
    /// The module being visited: its index in visit order (the root is 0), its parent's index (-1 for the root), its
    /// name in the parent, and its dotted path from the root, kept in one reused buffer. In a pre-order walk the
    /// parent's path is always a prefix of the buffer when a child is popped, so each path costs only its own name
    /// and a chain of n modules is walked in O(n), not O(n²) characters.
    /// </summary>
    public sealed class Visit
    {
        private char[] buffer = new char[256];
        private int length;

        public int Index { get; private set; }
        public int Parent { get; private set; }
        public string Name { get; private set; } = "";

        /// <summary>The module being visited.</summary>
        public Module Module { get; private set; } = null!;

        /// <summary>The module's dotted path from the root ("" for the root); valid until the next visit.</summary>
        public ReadOnlySpan<char> Path => buffer.AsSpan(0, length);

        /// <summary>The state key of one of the module's own entries (PyTorch's <c>module_path + '.' + name</c>,
        /// without prefix); valid until the next call.</summary>
        public ReadOnlySpan<char> Key(string name)
        {
            int at = length == 0 ? 0 : length + 1;
            Ensure(at + name.Length);
            if (length > 0) buffer[length] = '.';
            name.CopyTo(buffer.AsSpan(at));
            return buffer.AsSpan(0, at + name.Length);
        }

        internal void Enter(int index, int parent, int parentLength, string name, Module module)
        {
            Module = module;
            Index = index;
            Parent = parent;
            Name = name;
            length = parentLength;
            if (parent < 0) return;
            int at = length == 0 ? 0 : length + 1;
            Ensure(at + name.Length);
            if (length > 0) buffer[length] = '.';
            name.CopyTo(buffer.AsSpan(at));
            length = at + name.Length;
        }

        internal int Length => length;

        private void Ensure(int capacity)
        {
            if (capacity > buffer.Length) Array.Resize(ref buffer, Math.Max(capacity, buffer.Length * 2));
        }
    }

    /// <summary>Calls <paramref name="visit"/> for every module in PyTorch's <c>state_dict</c> order with the visit and
    /// its own state entries (both reused between calls). An explicit stack: depth costs no call stack.</summary>
    public static void Walk(Module root, Action<Visit, List<Entry>> visit)
    {
        var parameters = new List<(string Name, Parameter Parameter)>();
        var buffers = new List<(string Name, Tensor Buffer)>();
        var entries = new List<Entry>();
        var children = new List<(string Name, Module Module)>();
        var stack = new Stack<(int Parent, int ParentLength, string Name, Module Module)>();
        var current = new Visit();
        stack.Push((-1, 0, "", root));
        int index = 0;
        while (stack.Count > 0)
        {
            var (parent, parentLength, name, module) = stack.Pop();
            current.Enter(index++, parent, parentLength, name, module);
            parameters.Clear();
            buffers.Clear();
            entries.Clear();
            ModuleInternals.OwnParameters(module, parameters);
            ModuleInternals.OwnBuffers(module, buffers, persistentOnly: true);
            foreach (var (entryName, parameter) in parameters) entries.Add(new Entry(entryName, parameter));
            foreach (var (entryName, buffer) in buffers) entries.Add(new Entry(entryName, buffer));
            visit(current, entries);

            children.Clear();
            ModuleInternals.Children(module, children);
            for (int i = children.Count - 1; i >= 0; i--)
            {
                var (childName, child) = children[i];
                stack.Push((current.Index, current.Length, childName, child));
            }
        }
    }
}
