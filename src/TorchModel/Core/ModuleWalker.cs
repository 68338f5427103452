
namespace TorchModel.Internal;

/// <summary>
/// The one traversal primitive: PyTorch's <c>named_modules</c> (root first, depth-first pre-order in registration
/// order, optional de-duplication by module identity), walked with an explicit stack so depth costs no call stack,
/// and the member walks built on it (PyTorch's <c>_named_members</c>).
/// </summary>
/// <remarks>
/// Each walk rents its stack, child list and memo sets from a per-thread <see cref="Scratch{T}"/> slot and hands
/// them back, cleared, when the enumeration ends or is disposed. Repeated walks of a large model (one per training
/// step) then allocate only the names they yield, instead of regrowing sets whose arrays land on the large object
/// heap and trigger full collections.
/// </remarks>
internal static class ModuleWalker
{
    /// <summary>PyTorch 2.x <c>named_modules(memo=None, prefix, remove_duplicate)</c>.</summary>
    public static IEnumerable<(string Name, Module Module)> PreOrder(Module root, string prefix, bool removeDuplicate)
    {
        var scratch = Scratch<WalkState>.Rent();
        try
        {
            var memo = scratch.Memo;
            var stack = scratch.Stack;
            var children = scratch.Children;
            stack.Push((prefix, root));
            while (stack.Count > 0)
            {
                var (name, module) = stack.Pop();
                if (removeDuplicate && !memo.Add(module)) continue;
                yield return (name, module);

                children.Clear();
                ModuleInternals.Children(module, children);
                for (int i = children.Count - 1; i >= 0; i--)
                {
                    var (childName, child) = children[i];
                    stack.Push((PythonNames.Join(name, childName), child));
                }
            }
        }
        finally
        {
            Scratch<WalkState>.Return(scratch);
        }
    }

    /// <summary>PyTorch's <c>named_children()</c>: direct children, each module once.</summary>
    public static IEnumerable<(string Name, Module Module)> Children(Module module)
    {
        var children = new List<(string Name, Module Module)>();
        ModuleInternals.Children(module, children);
        var memo = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var child in children)
        {
            if (memo.Add(child.Module)) yield return child;
        }
    }

    /// <summary>PyTorch 2.x <c>_named_members</c> over parameters.</summary>
    public static IEnumerable<(string Name, Parameter Parameter)> Parameters(Module root, string prefix, bool recurse, bool removeDuplicate)
        => Members<Parameter>(root, prefix, recurse, removeDuplicate, static (module, into) => ModuleInternals.OwnParameters(module, into));

    /// <summary>PyTorch 2.x <c>_named_members</c> over buffers (persistent and non-persistent).</summary>
    public static IEnumerable<(string Name, Tensor Buffer)> Buffers(Module root, string prefix, bool recurse, bool removeDuplicate)
        => Members<Tensor>(root, prefix, recurse, removeDuplicate, static (module, into) => ModuleInternals.OwnBuffers(module, into));

    /// <summary>PyTorch 2.x <c>_named_members(get_members_fn, prefix, recurse, remove_duplicate)</c>.</summary>
    /// <remarks>
    /// The module walk is <see cref="PreOrder"/>'s, fused into this iterator: each module's own members are yielded
    /// when the module is popped, before its children are pushed, which is the order of iterating
    /// <see cref="PreOrder"/> and reading each module's members. A module's dotted name is built only when it is
    /// needed, as the prefix of a member or of a child. A tensor reached twice (by libtorch identity) is yielded
    /// once when <paramref name="removeDuplicate"/> is set.
    /// </remarks>
    private static IEnumerable<(string Name, TMember Member)> Members<TMember>(
        Module root, string prefix, bool recurse, bool removeDuplicate, Action<Module, List<(string Name, TMember Member)>> readOwn)
        where TMember : Tensor
    {
        var walk = Scratch<MemberWalkState>.Rent();
        var members = Scratch<MemberState<(string Name, TMember Member)>>.Rent();
        try
        {
            var stack = walk.Stack;
            var own = members.Own;
            stack.Push(("", prefix, root));
            while (stack.Count > 0)
            {
                var (parent, last, module) = stack.Pop();
                if (removeDuplicate && !walk.Memo.Add(module)) continue;
                string? name = null;

                own.Clear();
                readOwn(module, own);
                for (int i = 0; i < own.Count; i++)
                {
                    var (memberName, member) = own[i];
                    if (!members.Memo.Add(TensorIdentity.Of(member)) && removeDuplicate) continue;
                    name ??= PythonNames.Join(parent, last);
                    yield return (PythonNames.Join(name, memberName), member);
                }

                if (recurse) walk.PushChildren(module, name ?? PythonNames.Join(parent, last));
            }
        }
        finally
        {
            Scratch<MemberState<(string Name, TMember Member)>>.Return(members);
            Scratch<MemberWalkState>.Return(walk);
        }
    }

    /// <summary>What one module walk needs: the explicit stack, one module's children, the visited modules.</summary>
    private sealed class WalkState : IScratch
    {
        public readonly Stack<(string Name, Module Module)> Stack = new();
        public readonly List<(string Name, Module Module)> Children = new();
        public readonly ReferenceSet Memo = new();

        public int Size => Memo.Count + Stack.Count;

        public void Clear()
        {
            Stack.Clear();
            Children.Clear();
            Memo.Clear();
        }
    }

    /// <summary>
    /// What a member walk needs: the explicit stack, whose entries hold a module's parent name and its own name
    /// (joined only when needed), one module's children, the visited modules.
    /// </summary>
    private sealed class MemberWalkState : IScratch
    {
        public readonly Stack<(string Parent, string Name, Module Module)> Stack = new();
        public readonly List<(string Name, Module Module)> Children = new();
        public readonly ReferenceSet Memo = new();

        public int Size => Memo.Count + Stack.Count;

        /// <summary>Pushes the module's children in reverse, so they pop in registration order.</summary>
        public void PushChildren(Module module, string name)
        {
            Children.Clear();
            ModuleInternals.Children(module, Children);
            for (int i = Children.Count - 1; i >= 0; i--)
            {
                var (childName, child) = Children[i];
                Stack.Push((name, childName, child));
            }
        }

        public void Clear()
        {
            Stack.Clear();
            Children.Clear();
            Memo.Clear();
        }
    }

    /// <summary>What one member walk needs: one module's own members and the tensors already yielded.</summary>
    private sealed class MemberState<TMember> : IScratch
    {
        public readonly List<TMember> Own = new();
        public readonly AddressSet Memo = new();

        public int Size => Memo.Count;

        public void Clear()
        {
            Own.Clear();
            Memo.Clear();
        }
    }
}
