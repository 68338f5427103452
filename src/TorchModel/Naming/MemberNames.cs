using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using TorchSharp.Utils;

namespace TorchModel.Internal;

/// <summary>
/// Maps idiomatic C# members (<c>_conv1</c>, <c>m_conv1</c>, <c>Conv1</c>, <c>&lt;FcOut&gt;k__BackingField</c>) to
/// the snake_case names a PyTorch module would use (<c>conv1</c>, <c>fc_out</c>), and lists a module type's
/// registrable fields in PyTorch's order: base-class members first, then each class's fields in declaration order.
/// </summary>
internal static class MemberNames
{
    /// <summary>The PyTorch name for a field: its (or its auto-property's) <c>[ComponentName]</c>, else the snake_case
    /// form of the member name without <c>_</c>/<c>m_</c> prefixes.</summary>
    public static string PyTorchName(FieldInfo field)
    {
        if (field.GetCustomAttribute<ComponentNameAttribute>()?.Name is { } named) return named;
        string name = field.Name;
        if (BackingFieldProperty(field) is { } property)
        {
            if (property.GetCustomAttribute<ComponentNameAttribute>()?.Name is { } propertyNamed) return propertyNamed;
            name = property.Name;
        }
        return SnakeCase(name);
    }

    /// <summary>The C# member a user wrote: the property of a backing field, else the field.</summary>
    public static string DisplayName(FieldInfo field) => BackingFieldProperty(field)?.Name ?? field.Name;

    private static PropertyInfo? BackingFieldProperty(FieldInfo field)
    {
        const string suffix = ">k__BackingField";
        string name = field.Name;
        if (name.Length <= suffix.Length + 1 || name[0] != '<' || !name.EndsWith(suffix, StringComparison.Ordinal)) return null;
        return field.DeclaringType!.GetProperty(name[1..^suffix.Length], BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
    }

    /// <summary><c>_conv1</c>, <c>m_conv1</c>, <c>Conv1</c> → <c>conv1</c>; <c>FcOut</c> → <c>fc_out</c>; <c>HTTPServer</c> → <c>http_server</c>.</summary>
    public static string SnakeCase(string name)
    {
        int start = 0;
        if (name.StartsWith("m_", StringComparison.Ordinal)) start = 2;
        while (start < name.Length && name[start] == '_') start++;
        var sb = new StringBuilder(name.Length + 4);
        for (int i = start; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                if (i > start)
                {
                    char previous = name[i - 1];
                    bool nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                    if (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && nextIsLower))
                    {
                        if (sb.Length > 0 && sb[^1] != '_') sb.Append('_');
                    }
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>Instance fields of user types (not TorchSharp's own), base class first, declaration order within a
    /// class; compiler-generated fields other than auto-property backing fields are skipped.</summary>
    public static List<FieldInfo> Fields(Type type)
    {
        var chain = new List<Type>();
        var torchSharp = typeof(Module).Assembly;
        for (var t = type; t is not null && t.Assembly != torchSharp && t != typeof(object); t = t.BaseType) chain.Add(t);
        chain.Reverse();
        var fields = new List<FieldInfo>();
        foreach (var t in chain)
        {
            var declared = t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
            Array.Sort(declared, static (a, b) => a.MetadataToken.CompareTo(b.MetadataToken));
            foreach (var field in declared)
            {
                if (field.Name.StartsWith('<') && BackingFieldProperty(field) is null) continue;
                if (field.IsDefined(typeof(CompilerGeneratedAttribute)) && BackingFieldProperty(field) is null) continue;
                fields.Add(field);
            }
        }
        return fields;
    }
}
