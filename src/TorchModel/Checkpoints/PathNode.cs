namespace TorchModel.Internal.Checkpoints;

/// <summary>A place in the tree as a link to its parent, rendered (<c>['model']['fc.weight']</c>) only for messages.</summary>
internal sealed class PathNode(PathNode? parent, CheckpointValue? key, int index)
{
    public static readonly PathNode Top = new(null, null, -2);

    public override string ToString()
    {
        if (ReferenceEquals(this, Top)) return "the top level";
        var parts = new List<string>();
        for (var node = this; node is not null && !ReferenceEquals(node, Top); node = node.Parent)
        {
            if (parts.Count == 32) { parts.Add("..."); break; }
            parts.Add(node.Key is { } k ? "[" + (k.IsString ? "'" + k.AsString() + "'" : k.ToString()) + "]" : "[" + node.Index + "]");
        }
        parts.Reverse();
        return string.Concat(parts);
    }

    public PathNode? Parent { get; } = parent;
    public CheckpointValue? Key { get; } = key;
    public int Index { get; } = index;
}
