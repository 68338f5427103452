using System.Collections.Concurrent;

namespace TorchModel.Internal;

/// <summary>Names as PyTorch prints them.</summary>
internal static class PythonNames
{
    private static readonly ConcurrentDictionary<Type, string> ClassNames = new();

    /// <summary>PyTorch's <c>_get_name()</c>: the class name, generic arity stripped (<c>ModuleList`1</c> → <c>ModuleList</c>).</summary>
    public static string ClassName(Module module) => module is NativeModule native ? native.PythonClassName : ClassName(module.GetType());

    /// <inheritdoc cref="ClassName(Module)"/>
    public static string ClassName(Type type) => ClassNames.GetOrAdd(type, static t =>
    {
        string name = t.Name;
        int tick = name.IndexOf('`');
        return tick < 0 ? name : name[..tick];
    });

    /// <summary>PyTorch's <c>prefix + ('.' if prefix else '') + name</c>.</summary>
    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : string.Concat(prefix, ".", name);
}
