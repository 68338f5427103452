using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp.Utils;

namespace TorchModel.Internal;

/// <summary>
/// The child modules libtorch keeps inside TorchSharp's native layers, read with LibTorchSharp's
/// <c>THSNN_Module_get_named_children</c> (exported by the native library TorchSharp ships, though TorchSharp declares no
/// .NET entry for it). Each native child is wrapped once in a <see cref="NativeModule"/> and cached per parent, so
/// walks, lookups and de-duplication see the same object every time.
/// </summary>
/// <remarks>
/// A native layer's own parameters (PyTorch's <c>_parameters</c>) are the ones TorchSharp registered on it whose names
/// hold no dot; its dotted names (<c>out_proj.weight</c>) belong to its native children, which then yield them. A native
/// layer without native children (Embedding, LSTM...) keeps every parameter, as before.
/// </remarks>
internal static class NativeChildren
{
    /// <summary>What is known of one native module: its children, its own parameter and buffer names (full names in the
    /// owner).</summary>
    private sealed class Entry(List<(string Name, Module Module)> children, string[] parameterNames, string[] bufferNames)
    {
        public readonly List<(string Name, Module Module)> Children = children;
        public readonly string[] ParameterNames = parameterNames;
        public readonly string[] BufferNames = bufferNames;
    }

    private static readonly ConditionalWeakTable<Module, Entry> Cache = new();

    private static readonly Entry Empty = new([], [], []);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_internal_params")]
    private static extern ref OrderedDict<string, Parameter> InternalParams(Module module);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_internal_buffers")]
    private static extern ref OrderedDict<string, (Tensor, bool)> InternalBuffers(Module module);

    /// <summary>Whether a module type is one of TorchSharp's native layers (built around a libtorch module handle) or
    /// one of our wrappers: the types whose children may live in libtorch.</summary>
    public static bool IsNativeType(Type type)
    {
        if (type == typeof(NativeModule)) return true;
        if (type.Assembly != typeof(Module).Assembly) return false;
        return type.GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, [typeof(IntPtr), typeof(IntPtr)]) is not null;
    }

    /// <summary>Adds the native children of a native module, in libtorch's registration order.</summary>
    public static void Read(Module module, List<(string Name, Module Module)> into) => into.AddRange(EntryOf(module).Children);

    /// <summary>The first native child of that name, or null.</summary>
    public static Module? Child(Module module, string name)
    {
        foreach (var (childName, child) in EntryOf(module).Children)
        {
            if (childName == name) return child;
        }
        return null;
    }

    /// <summary>Whether the module has native children (then its dotted parameter names are theirs).</summary>
    public static bool HasChildren(Module module) => EntryOf(module).Children.Count > 0;

    /// <summary>The module's own parameters: for a wrapper, the owner's tensors under its prefix; for a TorchSharp
    /// layer with native children, its undotted ones.</summary>
    public static void OwnParameters(Module module, List<(string Name, Parameter Parameter)> into)
    {
        var (owner, prefix) = OwnerOf(module);
        var parameters = InternalParams(owner);
        foreach (var full in EntryOf(module).ParameterNames)
        {
            if (parameters.TryGetValue(full, out var p) && p is not null) into.Add((full[prefix.Length..], p));
        }
    }

    /// <summary>The module's own buffers, as <see cref="OwnParameters"/>.</summary>
    public static void OwnBuffers(Module module, List<(string Name, Tensor Buffer)> into, bool persistentOnly)
    {
        var (owner, prefix) = OwnerOf(module);
        var buffers = InternalBuffers(owner);
        foreach (var full in EntryOf(module).BufferNames)
        {
            if (buffers.TryGetValue(full, out var entry) && entry.Item1 is { } tensor && (entry.Item2 || !persistentOnly))
                into.Add((full[prefix.Length..], tensor));
        }
    }

    /// <summary>A wrapper's parameter by its (possibly dotted) name relative to the wrapper.</summary>
    public static Parameter? OwnParameter(NativeModule module, string name)
        => InternalParams(module.Owner).TryGetValue(module.Prefix + name, out var p) ? p : null;

    /// <summary>A wrapper's buffer by its name relative to the wrapper.</summary>
    public static Tensor? OwnBuffer(NativeModule module, string name)
        => InternalBuffers(module.Owner).TryGetValue(module.Prefix + name, out var entry) ? entry.Item1 : null;

    private static (Module Owner, string Prefix) OwnerOf(Module module)
        => module is NativeModule wrapper ? (wrapper.Owner, wrapper.Prefix) : (module, "");

    private static Entry EntryOf(Module module)
    {
        if (Cache.TryGetValue(module, out var entry)) return entry;
        lock (Cache)
        {
            if (Cache.TryGetValue(module, out entry)) return entry;
            entry = Create(module);
            Cache.Add(module, entry);
            return entry;
        }
    }

    private static Entry Create(Module module)
    {
        var (owner, prefix) = OwnerOf(module);
        IntPtr handle = NativeModule.HandleOf(module);
        if (handle == IntPtr.Zero) return Empty;
        var native = ReadNamedChildren(handle);
        GC.KeepAlive(module);
        if (native.Count == 0)
        {
            return module is NativeModule ? new Entry([], OwnNames(InternalParams(owner).Keys, prefix), OwnNames(InternalBuffers(owner).Keys, prefix)) : Empty;
        }
        string parentClass = PythonNames.ClassName(module);
        var children = new List<(string Name, Module Module)>(native.Count);
        foreach (var (name, childHandle) in native)
        {
            string childPrefix = prefix + name + ".";
            string className = PyTorchClassName(NativeModule.NativeClassName(childHandle), parentClass, name);
            children.Add((name, NativeModule.Create(childHandle, owner, childPrefix, className)));
        }
        return new Entry(children, OwnNames(InternalParams(owner).Keys, prefix), OwnNames(InternalBuffers(owner).Keys, prefix));
    }

    /// <summary>The full names under <paramref name="prefix"/> with no further dot: a module's own members.</summary>
    private static string[] OwnNames(IEnumerable<string> names, string prefix)
    {
        var own = new List<string>();
        foreach (var name in names)
        {
            if (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.Ordinal) && name.IndexOf('.', prefix.Length) < 0)
                own.Add(name);
        }
        return own.ToArray();
    }

    /// <summary>PyTorch's class name for a libtorch module class (<c>torch::nn::LinearImpl</c> → <c>Linear</c>). PyTorch's
    /// MultiheadAttention declares <c>out_proj</c> as <c>NonDynamicallyQuantizableLinear</c>, a Linear subclass libtorch
    /// does not have.</summary>
    internal static string PyTorchClassName(string nativeName, string parentClass, string name)
    {
        int colon = nativeName.LastIndexOf(':');
        string cls = colon < 0 ? nativeName : nativeName[(colon + 1)..];
        if (cls.EndsWith("Impl", StringComparison.Ordinal)) cls = cls[..^4];
        if (cls == "Linear" && name == "out_proj" && parentClass == "MultiheadAttention") return "NonDynamicallyQuantizableLinear";
        return cls;
    }

    private delegate IntPtr AllocatePinnedArray(IntPtr length);

    [DllImport("LibTorchSharp")]
    private static extern void THSNN_Module_get_named_children(IntPtr module, AllocatePinnedArray allocator1, AllocatePinnedArray allocator2);

    /// <summary>Calls <c>THSNN_Module_get_named_children</c>: each child comes back as a new <c>shared_ptr</c> the caller
    /// owns, each name as a string the caller frees.</summary>
    private static List<(string Name, IntPtr Handle)> ReadNamedChildren(IntPtr handle)
    {
        IntPtr[]? modules = null, names = null;
        GCHandle pinnedModules = default, pinnedNames = default;
        try
        {
            AllocatePinnedArray allocateModules = length =>
            {
                modules = new IntPtr[(int)length];
                pinnedModules = GCHandle.Alloc(modules, GCHandleType.Pinned);
                return pinnedModules.AddrOfPinnedObject();
            };
            AllocatePinnedArray allocateNames = length =>
            {
                names = new IntPtr[(int)length];
                pinnedNames = GCHandle.Alloc(names, GCHandleType.Pinned);
                return pinnedNames.AddrOfPinnedObject();
            };
            THSNN_Module_get_named_children(handle, allocateModules, allocateNames);
            GC.KeepAlive(allocateModules);
            GC.KeepAlive(allocateNames);
            var result = new List<(string Name, IntPtr Handle)>();
            if (modules is null || names is null) return result;
            for (int i = 0; i < modules.Length; i++)
            {
                string name = Marshal.PtrToStringUTF8(names[i]) ?? "";
                Marshal.FreeCoTaskMem(names[i]);
                result.Add((name, modules[i]));
            }
            return result;
        }
        finally
        {
            if (pinnedModules.IsAllocated) pinnedModules.Free();
            if (pinnedNames.IsAllocated) pinnedNames.Free();
        }
    }
}
