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

    /// <summary>Python's <c>repr(str)</c>: single quotes unless the text holds a single quote and no double quote.</summary>
    public static string Repr(string text)
    {
        char quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        var result = new System.Text.StringBuilder(text.Length + 2).Append(quote);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\\': result.Append("\\\\"); break;
                case '\n': result.Append("\\n"); break;
                case '\r': result.Append("\\r"); break;
                case '\t': result.Append("\\t"); break;
                default:
                    if (c == quote) result.Append('\\').Append(c);
                    else if (c < ' ' || c == '\x7f') result.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    else result.Append(c);
                    break;
            }
        }
        return result.Append(quote).ToString();
    }

    /// <summary>Python's <c>repr(list_of_str)</c>: <c>['a', 'b']</c>.</summary>
    public static string Repr(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Repr)) + "]";
}
