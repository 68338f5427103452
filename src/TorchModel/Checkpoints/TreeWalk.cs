namespace TorchModel.Internal.Checkpoints;

/// <summary>One iterative pass over a read tree: names every tensor's place (for error messages) and refuses a
/// container that contains itself, which a pickle's memo can build and which no checkpoint needs.</summary>
internal static class TreeWalk
{
    public static void AssignPathsAndRefuseCycles(CheckpointValue root)
    {
        var open = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var done = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(CheckpointValue Value, PathNode? Path, bool Exit)>();
        stack.Push((root, null, false));
        while (stack.Count > 0)
        {
            var (value, path, exit) = stack.Pop();
            if (exit)
            {
                open.Remove(value);
                done.Add(value);
                continue;
            }
            if (value.IsTensor)
            {
                var slot = value.Slot!;
                slot.PathNode ??= path ?? PathNode.Top;
                continue;
            }
            if (!(value.IsDict || value.IsList || value.IsTuple)) continue;
            if (open.Contains(value)) throw Throw.Pickle($"data.pkl builds a container that contains itself (at {(path ?? PathNode.Top)})");
            if (done.Contains(value)) continue;
            open.Add(value);
            stack.Push((value, path, true));
            if (value.IsDict)
            {
                var dict = value.AsDict();
                for (int i = dict.Count - 1; i >= 0; i--)
                    stack.Push((dict[i].Value, new PathNode(path, dict[i].Key, -1), false));
            }
            else
            {
                var list = value.AsList();
                for (int i = list.Count - 1; i >= 0; i--) stack.Push((list[i], new PathNode(path, null, i), false));
            }
        }
    }

}
