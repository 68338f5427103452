using System.Text;
using TorchSharp.Modules;

namespace TorchModel.Internal;

/// <summary>
/// Builds PyTorch's <c>repr(module)</c> bottom-up with an explicit stack (post-order), so depth is bounded only by
/// memory. A module reached twice (shared) prints under every key, as in PyTorch; its text is built once.
/// </summary>
internal static class ReprBuilder
{
    private sealed class Frame(object owner, ReprNode node)
    {
        public object Owner { get; } = owner;
        public ReprNode Node { get; } = node;
        public List<Lines> ChildTexts { get; } = [];
    }

    public static string Build(Module root)
    {
        var done = new Dictionary<object, Lines>(ReferenceEqualityComparer.Instance);
        var active = new HashSet<object>(ReferenceEqualityComparer.Instance) { root };
        var stack = new Stack<Frame>();
        stack.Push(new Frame(root, Describe(root)));
        while (true)
        {
            var frame = stack.Peek();
            int next = frame.ChildTexts.Count;
            if (next < frame.Node.Children.Count)
            {
                object child = frame.Node.Children[next].Child;
                if (done.TryGetValue(child, out var text))
                {
                    frame.ChildTexts.Add(text);
                    continue;
                }
                if (!active.Add(child)) throw Throw.ModuleCycle(PythonNames.ClassName((Module)child));
                stack.Push(new Frame(child, child as ReprNode ?? Describe((Module)child)));
                continue;
            }
            var result = Format(frame.Node, frame.ChildTexts);
            stack.Pop();
            active.Remove(frame.Owner);
            if (stack.Count == 0) return Join(result);
            if (frame.Owner is Module) done[frame.Owner] = result;
            stack.Peek().ChildTexts.Add(result);
        }
    }

    /// <summary>The class name, extra_repr and children of a real module.</summary>
    private static ReprNode Describe(Module module)
    {
        var node = new ReprNode(PythonNames.ClassName(module), ExtraReprs.Of(module), IsModuleList(module));
        if (!SynthesizedChildren.TryAdd(module, node))
        {
            var children = new List<(string Name, Module Module)>();
            ModuleInternals.Children(module, children);
            foreach (var (name, child) in children) node.Add(name, child);
        }
        return node;
    }

    private static bool IsModuleList(Module module)
    {
        for (var t = module.GetType(); t is not null && t != typeof(Module); t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ModuleList<>)) return true;
        }
        return false;
    }

    /// <summary>
    /// A repr text as lines with their indentation relative to the first line. PyTorch re-indents a child's whole
    /// text at every level (<c>_addindent</c>); adding 2 to each line's indent instead keeps deep trees from costing
    /// the cube of their depth, and the text is joined once at the end.
    /// </summary>
    private sealed class Lines : List<(int Indent, string Content)>
    {
        public bool SameTextAs(Lines other)
        {
            if (Count != other.Count) return false;
            for (int i = 0; i < Count; i++)
            {
                if (this[i].Indent != other[i].Indent || !string.Equals(this[i].Content, other[i].Content, StringComparison.Ordinal)) return false;
            }
            return true;
        }
    }

    private static Lines Single(string line) => new() { (0, line) };

    /// <summary>Appends <c>_addindent(prefix + child, 2)</c> as one entry of the parent's <c>'\n  '.join(lines)</c>.</summary>
    private static void AddEntry(Lines into, string prefix, Lines child)
    {
        into.Add((2, prefix + child[0].Content));
        for (int i = 1; i < child.Count; i++) into.Add((child[i].Indent + 2, child[i].Content));
    }

    /// <summary>PyTorch's <c>Module.__repr__</c>, or 2.x <c>ModuleList.__repr__</c> when runs collapse.</summary>
    private static Lines Format(ReprNode node, List<Lines> childTexts)
        => node.CollapseRuns ? FormatRuns(node.ClassName, childTexts) : FormatModule(node, childTexts);

    private static Lines FormatModule(ReprNode node, List<Lines> childTexts)
    {
        string[] extra = node.Extra.Length > 0 ? node.Extra.Split('\n') : [];
        if (extra.Length == 1 && childTexts.Count == 0) return Single(string.Concat(node.ClassName, "(", extra[0], ")"));
        if (extra.Length == 0 && childTexts.Count == 0) return Single(node.ClassName + "()");
        var lines = new Lines { (0, node.ClassName + "(") };
        foreach (var line in extra) lines.Add((2, line));
        for (int i = 0; i < childTexts.Count; i++) AddEntry(lines, string.Concat("(", node.Children[i].Key, "): "), childTexts[i]);
        lines.Add((0, ")"));
        return lines;
    }

    private static Lines FormatRuns(string className, List<Lines> childTexts)
    {
        if (childTexts.Count == 0) return Single(className + "()");
        var lines = new Lines { (0, className + "(") };
        int start = 0;
        for (int i = 1; i <= childTexts.Count; i++)
        {
            if (i < childTexts.Count && childTexts[i].SameTextAs(childTexts[start])) continue;
            int end = i - 1;
            string prefix = start == end
                ? $"({PythonLiteral.Index(start)}): "
                : $"({PythonLiteral.Index(start)}-{PythonLiteral.Index(end)}): {PythonLiteral.Int(end - start + 1)} x ";
            AddEntry(lines, prefix, childTexts[start]);
            start = i;
        }
        lines.Add((0, ")"));
        return lines;
    }

    private static string Join(Lines lines)
    {
        long length = 0;
        foreach (var (indent, content) in lines) length += indent + content.Length + 1;
        var sb = new StringBuilder((int)Math.Min(length, int.MaxValue));
        for (int i = 0; i < lines.Count; i++)
        {
            if (i > 0) sb.Append('\n');
            sb.Append(' ', lines[i].Indent).Append(lines[i].Content);
        }
        return sb.ToString();
    }
}
