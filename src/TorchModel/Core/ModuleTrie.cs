namespace TorchModel.Internal;

/// <summary>
/// The names PyTorch's unexpected-key rule looks up, as a tree of dotted-name segments: a node per module path
/// (marked with its visit order) and per own entry of a module (marked local). A key is checked one segment at a time,
/// so the cost of a key is its length, whatever the depth of the model.
/// </summary>
internal sealed class ModuleTrie
{
    private struct Node
    {
        public int Visit;
        public bool Local;
        public Dictionary<string, int>? Next;
    }

    private Node[] nodes = new Node[16];
    private int count;
    private int visits;

    /// <summary>Creates the trie with its root node (the root module, visit 0).</summary>
    public ModuleTrie()
    {
        count = 1;
        nodes[0].Visit = visits++;
    }

    /// <summary>The root node: the module the load starts at.</summary>
    public const int Root = 0;

    /// <summary>The node below <paramref name="node"/> for a dotted name, created as needed. With
    /// <paramref name="markIntermediate"/>, the nodes of its dotted prefixes are marked as modules (in order).</summary>
    public int Descend(int node, string dottedName, bool markIntermediate)
    {
        int start = 0;
        while (true)
        {
            int dot = dottedName.IndexOf('.', start);
            int end = dot < 0 ? dottedName.Length : dot;
            node = ChildOrAdd(node, dottedName.Substring(start, end - start));
            if (dot < 0) return node;
            if (markIntermediate) MarkModule(node);
            start = dot + 1;
        }
    }

    /// <summary>Marks a node as a visited module path, keeping its first visit number.</summary>
    public void MarkModule(int node)
    {
        if (nodes[node].Visit < 0) nodes[node].Visit = visits++;
    }

    /// <summary>Marks the node of a module's own entry (<c>path.name</c>, where <c>name</c> may be dotted: the dotted
    /// prefixes stand for the inner modules PyTorch has there, as TorchSharp's native modules flatten them).</summary>
    public void AddLocal(int moduleNode, string name)
    {
        int dot = name.LastIndexOf('.');
        int node = moduleNode;
        if (dot >= 0)
        {
            node = Descend(moduleNode, name[..dot], markIntermediate: true);
            MarkModule(node);
        }
        node = ChildOrAdd(node, dot < 0 ? name : name[(dot + 1)..]);
        nodes[node].Local = true;
    }

    /// <summary>
    /// PyTorch 2.4's rule for one input key: each visited module whose path the key starts with (the root, then each
    /// <c>path.</c>) reports it when the key's next segment there is not a child (the key goes on) or not an own entry
    /// (the key ends there). Adds the visit
    /// numbers of the reporting modules to <paramref name="reporters"/>.
    /// </summary>
    public void Reporters(string key, List<int> reporters)
    {
        int node = Root;
        int start = 0;
        while (true)
        {
            int dot = key.IndexOf('.', start);
            int end = dot < 0 ? key.Length : dot;
            int next = Find(node, key.AsSpan(start, end - start));
            bool isModule = next >= 0 && nodes[next].Visit >= 0;
            // PyTorch >= 2.4: a key continuing past this name needs a child module there; a key ending here needs an
            // own parameter or persistent buffer ("fc1.weight.bad_suffix" is unexpected; 1.13 ignored it).
            bool known = dot >= 0 ? isModule : next >= 0 && nodes[next].Local;
            if (!known) reporters.Add(nodes[node].Visit);
            if (dot < 0 || !isModule) return;
            node = next;
            start = dot + 1;
        }
    }

    /// <summary>
    /// PyTorch's rule over all input keys, without its quadratic filtering: reports ordered by module visit, then input
    /// order. Keys for which <paramref name="known"/> holds (a model key whose every prefix is a visited module) are
    /// never reported and are skipped; each other key costs its own length.
    /// </summary>
    public List<string> UnexpectedKeys(IEnumerable<string> keys, Func<string, bool> known)
    {
        var found = new List<(int Visit, int Input, string Key)>();
        var reporters = new List<int>();
        int inputIndex = 0;
        foreach (var key in keys)
        {
            if (!known(key))
            {
                reporters.Clear();
                Reporters(key, reporters);
                foreach (int visit in reporters) found.Add((visit, inputIndex, key));
            }
            inputIndex++;
        }
        found.Sort(static (a, b) => a.Visit != b.Visit ? a.Visit.CompareTo(b.Visit) : a.Input.CompareTo(b.Input));
        return found.ConvertAll(static f => f.Key);
    }

    private int Find(int node, ReadOnlySpan<char> segment)
    {
        var next = nodes[node].Next;
        return next is not null && next.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(segment, out int found) ? found : -1;
    }

    private int ChildOrAdd(int node, string segment)
    {
        var next = nodes[node].Next ??= new Dictionary<string, int>(1, StringComparer.Ordinal);
        if (next.TryGetValue(segment, out int found)) return found;
        if (count == nodes.Length) Array.Resize(ref nodes, count * 2);
        nodes[count] = new Node { Visit = -1 };
        next.Add(segment, count);
        return count++;
    }
}
