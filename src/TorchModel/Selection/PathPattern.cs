using TorchModel.Internal;

namespace TorchModel;

/// <summary>
/// A parsed pattern over PyTorch's dotted names (<c>layer4.0.conv1.weight</c>), the one grammar every selection in
/// TorchModel uses.
/// </summary>
/// <remarks>
/// <para>Grammar: the pattern is split at <c>.</c> into segments. A segment <c>*</c> matches exactly one name segment,
/// <c>**</c> matches any number of segments (including zero), and any other segment matches the name segment with the
/// same text (ordinal, case-sensitive). Partial wildcards such as <c>conv*</c> are not part of the grammar (a
/// <c>*</c> inside a literal is an error), so a pattern never silently means something other than what it says.
/// The empty pattern has no segments and matches only the empty name (the root module in <c>NamedModules()</c>).</para>
/// <para>Examples: <c>fc.weight</c>; <c>layer4.**</c> (everything under <c>layer4</c>); <c>**.bias</c> (every bias);
/// <c>layer*.0.*</c> is invalid; <c>layer1.*.conv1.weight</c> (the first convolution of each block of <c>layer1</c>).</para>
/// <para>PyTorch has no pattern type; this replaces hand-written <c>name.startswith(...)</c> filters.</para>
/// </remarks>
public sealed class PathPattern : IEquatable<PathPattern>
{
    private const int Literal = 0, One = 1, Any = 2;
    private readonly string[] _segments;
    private readonly int[] _kinds;

    private PathPattern(string text, string[] segments, int[] kinds)
    {
        Text = text;
        _segments = segments;
        _kinds = kinds;
    }

    /// <summary>Gets the pattern text as it was parsed.</summary>
    public string Text { get; }

    /// <summary>Gets whether the pattern contains no wildcard, so it matches at most one name.</summary>
    public bool IsLiteral => Array.TrueForAll(_kinds, static k => k == Literal);

    /// <summary>Parses a pattern once, so it can be matched against many names.</summary>
    /// <param name="pattern">The pattern text, e.g. <c>layer4.**</c>.</param>
    /// <returns>The parsed pattern.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is null.</exception>
    /// <exception cref="FormatException">The pattern has an empty segment (<c>a..b</c>, a leading or trailing
    /// <c>.</c>), a run of three or more <c>*</c>, or a <c>*</c> inside a name; the message names the position.</exception>
    /// <remarks>Equivalent to no PyTorch call; see the type's remarks for the grammar.</remarks>
    public static PathPattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0) return new PathPattern(pattern, [], []);
        var parts = pattern.Split('.');
        var kinds = new int[parts.Length];
        int position = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0)
                throw Throw.EmptyPatternSegment(pattern, position);
            if (part == "*") kinds[i] = One;
            else if (part == "**") kinds[i] = Any;
            else if (part.Contains('*'))
                throw Throw.MixedStarSegment(pattern, part, position + part.IndexOf('*'));
            else kinds[i] = Literal;
            position += part.Length + 1;
        }
        return new PathPattern(pattern, parts, kinds);
    }

    /// <summary>Determines whether a dotted name matches the pattern.</summary>
    /// <param name="name">A dotted name such as <c>layer1.0.conv1.weight</c>; the empty string is the root.</param>
    /// <returns><see langword="true"/> when the whole name matches.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <remarks>Runs in O(segments of name × segments of pattern) at worst, without recursion.</remarks>
    public bool IsMatch(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // Name segments as ranges; the empty name has zero segments.
        var list = new List<Range>();
        if (name.Length > 0)
        {
            int start = 0;
            for (int i = 0; i <= name.Length; i++)
            {
                if (i == name.Length || name[i] == '.')
                {
                    list.Add(new Range(start, i));
                    start = i + 1;
                }
            }
        }
        int n = list.Count, m = _kinds.Length;
        int ni = 0, pi = 0, starPi = -1, starNi = 0;
        while (ni < n)
        {
            if (pi < m && _kinds[pi] == Any)
            {
                starPi = pi++;
                starNi = ni;
            }
            else if (pi < m && (_kinds[pi] == One || name.AsSpan(list[ni]).SequenceEqual(_segments[pi])))
            {
                pi++;
                ni++;
            }
            else if (starPi >= 0)
            {
                pi = starPi + 1;
                ni = ++starNi;
            }
            else return false;
        }
        while (pi < m && _kinds[pi] == Any) pi++;
        return pi == m;
    }

    /// <summary>Returns the pattern text.</summary>
    /// <returns>The text given to <see cref="Parse"/>.</returns>
    public override string ToString() => Text;

    /// <summary>Determines whether another pattern has the same text.</summary>
    /// <param name="other">The other pattern.</param>
    /// <returns><see langword="true"/> when the texts are equal (ordinal).</returns>
    public bool Equals(PathPattern? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PathPattern);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);
}
