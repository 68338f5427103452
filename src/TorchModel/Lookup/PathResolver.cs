using System.Collections.Concurrent;
using System.Reflection;

namespace TorchModel.Internal;

/// <summary>PyTorch's <c>get_submodule</c>/<c>get_parameter</c>/<c>get_buffer</c> path walk, in O(depth).</summary>
internal static class PathResolver
{
    /// <summary>PyTorch's <c>get_submodule(target)</c>.</summary>
    public static Module Submodule(Module root, string target)
    {
        if (target.Length == 0) return root;
        var module = root;
        int start = 0;
        while (true)
        {
            int dot = target.IndexOf('.', start);
            string item = dot < 0 ? target[start..] : target[start..dot];
            var child = ModuleInternals.Child(module, item);
            if (child is null)
            {
                throw HasAttribute(module, item) ? Throw.NotAModule(item, target) : Throw.NoAttribute(module, item, target);
            }
            module = child;
            if (dot < 0) return module;
            start = dot + 1;
        }
    }

    /// <summary>PyTorch's <c>get_parameter(target)</c>.</summary>
    public static Parameter Parameter(Module root, string target)
    {
        var (module, name) = Owner(root, target, static (m, n) => ModuleInternals.OwnParameter(m, n) is not null);
        if (ModuleInternals.OwnParameter(module, name) is { } parameter) return parameter;
        throw HasAttribute(module, name) ? Throw.NotAParameter(name, target) : Throw.NoAttribute(module, name, target);
    }

    /// <summary>PyTorch's <c>get_buffer(target)</c>; non-persistent buffers are found too.</summary>
    public static Tensor Buffer(Module root, string target)
    {
        var (module, name) = Owner(root, target, static (m, n) => ModuleInternals.OwnBuffer(m, n) is not null);
        if (ModuleInternals.OwnBuffer(module, name) is { } buffer) return buffer;
        throw HasAttribute(module, name) ? Throw.NotABuffer(name, target) : Throw.NoAttribute(module, name, target);
    }

    /// <summary>Splits <c>target</c> as <c>rpartition('.')</c> and resolves the module part. TorchSharp's native modules
    /// (MultiheadAttention, Transformer layers, RNNs) hold their inner parameters flat under dotted names, so a
    /// module on the way that owns the rest of the path as one flat name answers for it.</summary>
    private static (Module Module, string Name) Owner(Module root, string target, Func<Module, string, bool> ownsFlat)
    {
        var module = root;
        int start = 0;
        while (true)
        {
            int dot = target.IndexOf('.', start);
            if (dot < 0) return (module, target[start..]);
            string rest = target[start..];
            if (ownsFlat(module, rest)) return (module, rest);
            string item = target[start..dot];
            var child = ModuleInternals.Child(module, item);
            if (child is null)
            {
                throw HasAttribute(module, item) ? Throw.NotAModule(item, target) : Throw.NoAttribute(module, item, target);
            }
            module = child;
            start = dot + 1;
        }
    }

    private static readonly ConcurrentDictionary<Type, HashSet<string>> MembersByType = new();

    /// <summary>Python's <c>hasattr(module, name)</c>, as far as .NET can say: a child, an own parameter or buffer, or a
    /// public instance property or field of the module's type (e.g. <c>in_features</c>, <c>training</c>).</summary>
    private static bool HasAttribute(Module module, string name)
    {
        if (ModuleInternals.Child(module, name) is not null) return true;
        if (ModuleInternals.OwnParameter(module, name) is not null) return true;
        if (ModuleInternals.OwnBuffer(module, name) is not null) return true;
        var members = MembersByType.GetOrAdd(module.GetType(), static type =>
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance;
            foreach (var property in type.GetProperties(flags))
            {
                if (property.GetIndexParameters().Length == 0) names.Add(property.Name);
            }
            foreach (var field in type.GetFields(flags)) names.Add(field.Name);
            return names;
        });
        return members.Contains(name);
    }
}
