namespace TorchModel.Internal;

/// <summary>The wording of selection errors: malformed path patterns and patterns that match nothing.</summary>
internal static partial class Throw
{
    public static ArgumentException NoParameterMatches(PathPattern pattern, IEnumerable<string> names)
        => new($"Pattern '{pattern.Text}' matches no parameter name.{Nearest(pattern.Text, names)}", "pattern");

    public static FormatException EmptyPatternSegment(string pattern, int position)
        => new($"Invalid path pattern '{pattern}': empty segment at position {position} (segments are separated by a single '.').");

    public static FormatException MixedStarSegment(string pattern, string part, int position)
        => new($"Invalid path pattern '{pattern}': segment '{part}' at position {position} mixes '*' with other characters; a segment is '*' (one segment), '**' (any number of segments) or a name without '*'.");

    /// <summary>" Nearest names: 'a', 'b', 'c'." by edit distance to the pattern text, or a note that there are none.</summary>
    private static string Nearest(string text, IEnumerable<string> names)
    {
        var nearest = names.Where(static n => n.Length > 0).Distinct()
            .Select(n => (Name: n, Distance: EditDistance(text, n)))
            .OrderBy(static x => x.Distance).ThenBy(static x => x.Name, StringComparer.Ordinal)
            .Take(3).Select(static x => "'" + x.Name + "'").ToList();
        return nearest.Count == 0
            ? " The module has no parameters."
            : $" Nearest names: {string.Join(", ", nearest)}. Use '**' for any number of segments, e.g. 'layer4.**'.";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
