
namespace TorchModel.Internal;

/// <summary>
/// The one traversal primitive: PyTorch's <c>named_modules</c> (root first, depth-first pre-order in registration
/// order, optional de-duplication by module identity), walked with an explicit stack so depth costs no call stack,
/// and the member walks built on it (PyTorch's <c>_named_members</c>).
/// </summary>
internal static class ModuleWalker
{
    /// <summary>PyTorch 2.x <c>named_modules(memo=None, prefix, remove_duplicate)</c>.</summary>
    public static IEnumerable<(string Name, Module Module)> PreOrder(Module root, string prefix, bool removeDuplicate)
    {
        var memo = removeDuplicate ? new HashSet<Module>(ReferenceEqualityComparer.Instance) : null;
        var stack = new Stack<(string Name, Module Module)>();
        var children = new List<(string Name, Module Module)>();
        stack.Push((prefix, root));
        while (stack.Count > 0)
        {
            var (name, module) = stack.Pop();
            if (memo is not null && !memo.Add(module)) continue;
            yield return (name, module);

            children.Clear();
            ModuleInternals.Children(module, children);
            for (int i = children.Count - 1; i >= 0; i--)
            {
                stack.Push((PythonNames.Join(name, children[i].Name), children[i].Module));
            }
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
    {
        var memo = new HashSet<nint>();
        var own = new List<(string Name, Parameter Parameter)>();
        foreach (var (modulePrefix, module) in Modules(root, prefix, recurse, removeDuplicate))
        {
            own.Clear();
            ModuleInternals.OwnParameters(module, own);
            foreach (var (name, parameter) in own)
            {
                if (!memo.Add(TensorIdentity.Of(parameter)) && removeDuplicate) continue;
                yield return (PythonNames.Join(modulePrefix, name), parameter);
            }
        }
    }

    /// <summary>PyTorch 2.x <c>_named_members</c> over buffers (persistent and non-persistent).</summary>
    public static IEnumerable<(string Name, Tensor Buffer)> Buffers(Module root, string prefix, bool recurse, bool removeDuplicate)
    {
        var memo = new HashSet<nint>();
        var own = new List<(string Name, Tensor Buffer, bool Persistent)>();
        foreach (var (modulePrefix, module) in Modules(root, prefix, recurse, removeDuplicate))
        {
            own.Clear();
            ModuleInternals.OwnBuffers(module, own);
            foreach (var (name, buffer, _) in own)
            {
                if (!memo.Add(TensorIdentity.Of(buffer)) && removeDuplicate) continue;
                yield return (PythonNames.Join(modulePrefix, name), buffer);
            }
        }
    }

    private static IEnumerable<(string Name, Module Module)> Modules(Module root, string prefix, bool recurse, bool removeDuplicate)
        => recurse ? PreOrder(root, prefix, removeDuplicate) : [(prefix, root)];
}
