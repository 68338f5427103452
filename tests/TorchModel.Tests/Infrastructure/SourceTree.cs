using System.Text.RegularExpressions;

namespace TorchModel.Tests.Infrastructure;

/// <summary>
/// The library's source files as the layout tests read them: each file's folder (its feature), its code with comments
/// and string contents blanked, and the top-level types it declares. Read from the repository, not from the assembly,
/// because the rules are about where code lives.
/// </summary>
public sealed partial class SourceTree
{
    /// <summary>The folder of code that two or more features share.</summary>
    public const string CoreFolder = "Core";

    /// <summary>The library project's folder, relative to the repository root.</summary>
    public static readonly string LibraryFolder = Path.Combine("src", "TorchModel");

    private static readonly Lazy<SourceTree> LibraryTree = new(() => Load(RepositoryPaths.Of(LibraryFolder)));

    /// <summary>The library's source tree (src/TorchModel), read once.</summary>
    public static SourceTree Library => LibraryTree.Value;

    private SourceTree(IReadOnlyList<SourceFile> files) => Files = files;

    /// <summary>Every .cs file of the project, bin/ and obj/ excluded, in ordinal path order.</summary>
    public IReadOnlyList<SourceFile> Files { get; }

    /// <summary>The feature folders (every first-level folder except <see cref="CoreFolder"/>).</summary>
    public IEnumerable<string> Features => Files.Select(f => f.Folder).Where(f => f.Length > 0 && f != CoreFolder).Distinct().Order(StringComparer.Ordinal);

    /// <summary>Reads every .cs file under <paramref name="root"/> except build output.</summary>
    public static SourceTree Load(string root)
    {
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(rel => !rel.StartsWith("bin/", StringComparison.Ordinal) && !rel.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(rel => SourceFile.Read(root, rel))
            .ToList();
        return new SourceTree(files);
    }

    /// <summary>The features (and the core) whose code names <paramref name="typeName"/> as an identifier, the declaring files excluded.</summary>
    public IReadOnlySet<string> FoldersUsing(string typeName)
    {
        var pattern = new Regex(@"\b" + Regex.Escape(typeName) + @"\b");
        return Files.Where(f => !f.Types.Any(t => t.Name == typeName) && pattern.IsMatch(f.Code)).Select(f => f.Folder).ToHashSet();
    }

    /// <summary>One source file.</summary>
    /// <param name="Path">The path relative to the project folder, with '/' separators.</param>
    /// <param name="Folder">The first-level folder (the feature), or "" for a file at the project root.</param>
    /// <param name="Code">The text with comments removed and the contents of string and char literals blanked.</param>
    /// <param name="Text">The original text.</param>
    /// <param name="Types">The top-level types the file declares.</param>
    public sealed record SourceFile(string Path, string Folder, string Code, string Text, IReadOnlyList<DeclaredType> Types)
    {
        /// <summary>The file name without extension and without any <c>.Part</c> suffix (<c>StateDict</c> for <c>StateDict.WithPrefix.cs</c>).</summary>
        public string Stem => System.IO.Path.GetFileNameWithoutExtension(Path).Split('.')[0];

        /// <summary>The file name without extension (<c>StateDict.WithPrefix</c>).</summary>
        public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

        internal static SourceFile Read(string root, string relative)
        {
            string text = File.ReadAllText(System.IO.Path.Combine(root, relative));
            string code = StripCommentsAndLiterals(text);
            int slash = relative.IndexOf('/');
            string folder = slash < 0 ? "" : relative[..slash];
            var types = TopLevelType().Matches(code)
                .Select(m => new DeclaredType(m.Groups["name"].Value, m.Groups["mods"].Value.Contains("public", StringComparison.Ordinal),
                    m.Groups["mods"].Value.Contains("partial", StringComparison.Ordinal), m.Groups["kind"].Value))
                .ToList();
            return new SourceFile(relative, folder, code, text, types);
        }
    }

    /// <summary>A top-level type declaration.</summary>
    /// <param name="Name">The type's name without type parameters.</param>
    /// <param name="IsPublic">Whether it is declared public.</param>
    /// <param name="IsPartial">Whether it is declared partial.</param>
    /// <param name="Kind">class, struct, record, interface or enum.</param>
    public sealed record DeclaredType(string Name, bool IsPublic, bool IsPartial, string Kind);

    // File-scoped namespaces: a top-level type starts at column 0.
    [GeneratedRegex(@"^(?<mods>(?:(?:public|internal|file|static|sealed|abstract|readonly|partial|unsafe)\s+)*)(?<kind>class|struct|interface|enum|record(?:\s+struct|\s+class)?)\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    /// <summary>Removes // and /* */ comments and blanks the contents of string and char literals (verbatim, raw and
    /// interpolated strings included; interpolation holes are blanked too), keeping the quotes and line structure.</summary>
    public static string StripCommentsAndLiterals(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
                sb.Append(' ');
                continue;
            }
            if (c == '\'')
            {
                int j = i + 1;
                while (j < text.Length && text[j] != '\'') j += text[j] == '\\' ? 2 : 1;
                sb.Append("' '");
                i = j + 1;
                continue;
            }
            if (c == '"' || ((c == '$' || c == '@') && i + 1 < text.Length && (text[i + 1] == '"' || text[i + 1] == '@' || text[i + 1] == '$')))
            {
                i = SkipString(text, i);
                sb.Append("\"\"");
                continue;
            }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    /// <summary>Returns the index just past the string literal starting at <paramref name="i"/> (at its <c>$</c>, <c>@</c> or quote).</summary>
    private static int SkipString(string text, int i)
    {
        bool verbatim = false, interpolated = false;
        int dollars = 0;
        while (i < text.Length && (text[i] == '$' || text[i] == '@'))
        {
            if (text[i] == '@') verbatim = true;
            else { interpolated = true; dollars++; }
            i++;
        }
        int quotes = 0;
        while (i + quotes < text.Length && text[i + quotes] == '"') quotes++;
        if (quotes >= 3)
        {
            string fence = new('"', quotes);
            int end = text.IndexOf(fence, i + quotes, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + quotes;
        }
        i++; // the opening quote
        while (i < text.Length)
        {
            char c = text[i];
            if (!verbatim && c == '\\') { i += 2; continue; }
            if (c == '"')
            {
                if (verbatim && i + 1 < text.Length && text[i + 1] == '"') { i += 2; continue; }
                return i + 1;
            }
            if (interpolated && c == '{')
            {
                if (i + 1 < text.Length && text[i + 1] == '{') { i += 2; continue; }
                i = SkipHole(text, i + 1);
                continue;
            }
            i++;
        }
        return i;
    }

    /// <summary>Returns the index just past the <c>}</c> that closes an interpolation hole whose code starts at <paramref name="i"/>.</summary>
    private static int SkipHole(string text, int i)
    {
        int depth = 1;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '"' || ((c == '$' || c == '@') && i + 1 < text.Length && (text[i + 1] == '"' || text[i + 1] == '@' || text[i + 1] == '$')))
            {
                i = SkipString(text, i);
                continue;
            }
            if (c == '\'')
            {
                int j = i + 1;
                while (j < text.Length && text[j] != '\'') j += text[j] == '\\' ? 2 : 1;
                i = j + 1;
                continue;
            }
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i + 1;
            i++;
        }
        return i;
    }
}
