using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using TorchSharp.Utils;

namespace TorchModel.Internal;

/// <summary>
/// Reads what a TorchSharp module holds, in registration order, without TorchSharp's traversal methods
/// (which differ from PyTorch's). The protected registries are read through <see cref="UnsafeAccessorAttribute"/>.
/// Containers (<c>ModuleList</c>, <c>ModuleDict</c>, <c>ParameterList</c>, <c>ParameterDict</c>) are read from
/// their own lists, which stay current after <c>Add</c>/<c>Insert</c>, unlike their one-shot registrations.
/// </summary>
internal static class ModuleInternals
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_internal_params")]
    private static extern ref OrderedDict<string, Parameter> InternalParams(Module module);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_internal_buffers")]
    private static extern ref OrderedDict<string, (Tensor, bool)> InternalBuffers(Module module);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_internal_submodules")]
    private static extern ref OrderedDict<string, Module> InternalSubmodules(Module module);

    /// <summary>TorchSharp's one-shot flag of <c>RegisterComponents()</c>; set once components are registered.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_areComponentsRegistered")]
    public static extern ref bool ComponentsRegistered(Module module);

    /// <summary>The module's own parameters (not its children's), in registration order, nulls skipped.</summary>
    public static void OwnParameters(Module module, List<(string Name, Parameter Parameter)> into)
    {
        switch (module)
        {
            case ParameterList list:
                for (int i = 0; i < list.Count; i++)
                {
                    if (list[i] is { } p) into.Add((PythonLiteral.Index(i), p));
                }
                return;
            case ParameterDict dict:
                var items = (IList<(string, Parameter)>)dict;
                for (int i = 0; i < items.Count; i++)
                {
                    var (name, p) = items[i];
                    if (p is not null) into.Add((name, p));
                }
                return;
        }
        if (HasNativeChildren(module))
        {
            NativeChildren.OwnParameters(module, into);
            return;
        }
        var parameters = InternalParams(module);
        for (int i = 0; i < parameters.Count; i++)
        {
            var (name, p) = parameters[i];
            if (p is not null) into.Add((name, p));
        }
    }

    /// <summary>The module's own buffers in registration order, nulls skipped: all of them (PyTorch's
    /// <c>_buffers</c>), or only the persistent ones (what <c>state_dict</c> saves).</summary>
    public static void OwnBuffers(Module module, List<(string Name, Tensor Buffer)> into, bool persistentOnly = false)
    {
        if (HasNativeChildren(module))
        {
            NativeChildren.OwnBuffers(module, into, persistentOnly);
            return;
        }
        var buffers = InternalBuffers(module);
        for (int i = 0; i < buffers.Count; i++)
        {
            var (name, (tensor, persistent)) = buffers[i];
            if (tensor is not null && (persistent || !persistentOnly)) into.Add((name, tensor));
        }
    }

    /// <summary>Finds one of the module's own parameters by its exact (possibly dotted, for native modules) name.</summary>
    public static Parameter? OwnParameter(Module module, string name)
    {
        switch (module)
        {
            case ParameterList list:
                return PythonLiteral.IsIndex(name, list.Count, out int index) ? list[index] : null;
            case ParameterDict dict:
                return dict.TryGetValue(name, out var fromDict) ? fromDict : null;
            case NativeModule native:
                return NativeChildren.OwnParameter(native, name);
        }
        return InternalParams(module).TryGetValue(name, out var p) ? p : null;
    }

    /// <summary>Finds one of the module's own buffers (persistent or not) by its exact name.</summary>
    public static Tensor? OwnBuffer(Module module, string name)
        => module is NativeModule native ? NativeChildren.OwnBuffer(native, name) : InternalBuffers(module).TryGetValue(name, out var entry) ? entry.Item1 : null;

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_names")]
    private static extern ref List<string> SequentialNames(Sequential sequential);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_modules")]
    private static extern ref List<TorchSharp.torch.nn.IModule<Tensor, Tensor>> SequentialModules(Sequential sequential);

    /// <summary>The module's direct children in registration order (PyTorch's <c>_modules.items()</c>),
    /// duplicates kept, nulls skipped.</summary>
    public static void Children(Module module, List<(string Name, Module Module)> into)
    {
        var kind = KindOf(module.GetType());
        switch (kind.Children)
        {
            case ChildrenSource.Container:
                kind.Reader!(module, into);
                return;
            case ChildrenSource.Sequential:
                var sequential = (Sequential)module;
                var names = SequentialNames(sequential);
                var modules = SequentialModules(sequential);
                for (int i = 0; i < names.Count; i++)
                {
                    if (modules[i] is Module child) into.Add((names[i], child));
                }
                return;
            case ChildrenSource.Native:
                NativeChildren.Read(module, into);
                return;
            case ChildrenSource.Submodules:
                var submodules = InternalSubmodules(module);
                for (int i = 0; i < submodules.Count; i++)
                {
                    var (name, child) = submodules[i];
                    if (child is not null) into.Add((name, child));
                }
                return;
            default:
                foreach (var (name, child) in module.named_children())
                {
                    if (child is not null) into.Add((name, child));
                }
                return;
        }
    }

    /// <summary>Finds a direct child by name (the first match in registration order), in O(1) for plain
    /// modules, sequentials with index names, and module lists.</summary>
    public static Module? Child(Module module, string name)
    {
        if (module is Sequential sequential)
        {
            var names = SequentialNames(sequential);
            var modules = SequentialModules(sequential);
            if (PythonLiteral.IsIndex(name, names.Count, out int index) && names[index] == name) return modules[index] as Module;
            int found = names.IndexOf(name);
            return found < 0 ? null : modules[found] as Module;
        }
        var source = KindOf(module.GetType()).Children;
        if (source == ChildrenSource.Submodules)
        {
            return InternalSubmodules(module).TryGetValue(name, out var direct) ? direct : null;
        }
        if (source == ChildrenSource.Native) return NativeChildren.Child(module, name);
        var children = new List<(string Name, Module Module)>();
        Children(module, children);
        foreach (var (childName, child) in children)
        {
            if (childName == name) return child;
        }
        return null;
    }

    /// <summary>Where a module type's children are read from, decided once per type.</summary>
    private enum ChildrenSource
    {
        /// <summary>A <c>ModuleList&lt;T&gt;</c> or <c>ModuleDict&lt;T&gt;</c>: its own list, through a compiled reader.</summary>
        Container,
        /// <summary>A <c>Sequential</c>: its name and module lists.</summary>
        Sequential,
        /// <summary>Any other type that keeps <c>Module.named_children()</c>: the registered submodules.</summary>
        Submodules,
        /// <summary>A type that overrides <c>named_children()</c>: its answer is authoritative.</summary>
        Override,
        /// <summary>One of TorchSharp's native layers, or a wrapper of a native child: the children libtorch holds.</summary>
        Native,
    }

    private sealed record TypeKind(ChildrenSource Children, Action<Module, List<(string Name, Module Module)>>? Reader);

    private static readonly ConcurrentDictionary<Type, TypeKind> Kinds = new();

    /// <summary>One dictionary lookup per module instead of one per type test.</summary>
    private static TypeKind KindOf(Type type) => Kinds.TryGetValue(type, out var kind) ? kind : Kinds.GetOrAdd(type, static t =>
    {
        if (ContainerReaders.For(t) is { } reader) return new TypeKind(ChildrenSource.Container, reader);
        if (typeof(Sequential).IsAssignableFrom(t)) return new TypeKind(ChildrenSource.Sequential, null);
        if (NativeChildren.IsNativeType(t)) return new TypeKind(ChildrenSource.Native, null);
        var method = t.GetMethod(nameof(Module.named_children), Type.EmptyTypes);
        bool overrides = method is not null && method.DeclaringType != typeof(Module);
        return new TypeKind(overrides ? ChildrenSource.Override : ChildrenSource.Submodules, null);
    });

    /// <summary>Whether the module's members are split between it and native children libtorch keeps: a wrapper of a
    /// native child, or a TorchSharp native layer that has native children.</summary>
    private static bool HasNativeChildren(Module module)
        => module is NativeModule || (KindOf(module.GetType()).Children == ChildrenSource.Native && NativeChildren.HasChildren(module));
}
