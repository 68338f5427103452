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
        public List<string> ChildTexts { get; } = [];
    }

    public static string Build(Module root)
    {
        var done = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
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
            string result = Format(frame.Node, frame.ChildTexts);
            stack.Pop();
            active.Remove(frame.Owner);
            if (stack.Count == 0) return result;
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

    /// <summary>PyTorch's <c>Module.__repr__</c>, or 2.x <c>ModuleList.__repr__</c> when runs collapse.</summary>
    private static string Format(ReprNode node, List<string> childTexts)
    {
        return node.CollapseRuns ? FormatRuns(node.ClassName, childTexts) : FormatModule(node, childTexts);
    }

    private static string FormatModule(ReprNode node, List<string> childTexts)
    {
        var lines = new List<string>();
        if (node.Extra.Length > 0) lines.AddRange(node.Extra.Split('\n'));
        int extraCount = lines.Count;
        for (int i = 0; i < childTexts.Count; i++)
        {
            lines.Add(string.Concat("(", node.Children[i].Key, "): ", AddIndent(childTexts[i])));
        }
        if (extraCount == 1 && childTexts.Count == 0) return string.Concat(node.ClassName, "(", lines[0], ")");
        if (lines.Count == 0) return node.ClassName + "()";
        return Enclose(node.ClassName, lines);
    }

    private static string FormatRuns(string className, List<string> childTexts)
    {
        if (childTexts.Count == 0) return className + "()";
        var lines = new List<string>();
        int start = 0;
        for (int i = 1; i <= childTexts.Count; i++)
        {
            if (i < childTexts.Count && childTexts[i] == childTexts[start]) continue;
            int end = i - 1;
            string entry = start == end
                ? $"({ModuleInternals.PythonIndex(start)}): {childTexts[start]}"
                : $"({ModuleInternals.PythonIndex(start)}-{ModuleInternals.PythonIndex(end)}): {PythonLiteral.Int(end - start + 1)} x {childTexts[start]}";
            lines.Add(AddIndent(entry));
            start = i;
        }
        return Enclose(className, lines);
    }

    private static string Enclose(string className, List<string> lines)
    {
        var sb = new StringBuilder(className).Append("(\n  ");
        for (int i = 0; i < lines.Count; i++)
        {
            if (i > 0) sb.Append("\n  ");
            sb.Append(lines[i]);
        }
        return sb.Append("\n)").ToString();
    }

    /// <summary>PyTorch's <c>_addindent(s, 2)</c>: every line but the first gets two spaces.</summary>
    private static string AddIndent(string text) => text.Contains('\n') ? text.Replace("\n", "\n  ", StringComparison.Ordinal) : text;
}
