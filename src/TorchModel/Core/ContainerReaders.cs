using System.Collections.Concurrent;
using System.Reflection;
using TorchSharp.Modules;

namespace TorchModel.Internal;

/// <summary>
/// Reads the entries of TorchSharp's generic module containers (<c>ModuleList&lt;T&gt;</c>,
/// <c>ModuleDict&lt;T&gt;</c>) from their own lists, one compiled reader per closed type.
/// </summary>
internal static class ContainerReaders
{
    private static readonly ConcurrentDictionary<Type, Action<Module, List<(string Name, Module Module)>>?> Cache = new();

    private static readonly MethodInfo ReadListMethod = typeof(ContainerReaders).GetMethod(nameof(ReadList), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo ReadDictMethod = typeof(ContainerReaders).GetMethod(nameof(ReadDict), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The reader for a container type, or null when <paramref name="type"/> is not a module container.</summary>
    public static Action<Module, List<(string Name, Module Module)>>? For(Type type) => Cache.GetOrAdd(type, Create);

    private static Action<Module, List<(string Name, Module Module)>>? Create(Type type)
    {
        for (var t = type; t is not null && t != typeof(Module); t = t.BaseType)
        {
            if (!t.IsGenericType) continue;
            var definition = t.GetGenericTypeDefinition();
            if (definition == typeof(ModuleList<>))
                return ReadListMethod.MakeGenericMethod(t.GetGenericArguments()).CreateDelegate<Action<Module, List<(string Name, Module Module)>>>();
            if (definition == typeof(ModuleDict<>))
                return ReadDictMethod.MakeGenericMethod(t.GetGenericArguments()).CreateDelegate<Action<Module, List<(string Name, Module Module)>>>();
        }
        return null;
    }

    private static void ReadList<T>(Module module, List<(string Name, Module Module)> into) where T : Module
    {
        var list = (ModuleList<T>)module;
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is { } child) into.Add((PythonLiteral.Index(i), child));
        }
    }

    private static void ReadDict<T>(Module module, List<(string Name, Module Module)> into) where T : Module
    {
        var items = (IList<(string, T)>)(ModuleDict<T>)module;
        for (int i = 0; i < items.Count; i++)
        {
            var (name, child) = items[i];
            if (child is not null) into.Add((name, child));
        }
    }
}
