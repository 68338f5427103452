using static TorchModel.SequenceFilter;

namespace TorchModel;

/// <summary>Operators over <c>(Name, Module)</c> sequences such as <see cref="ModuleExtensions.NamedModules"/>'s.</summary>
public static class NamedModuleSequenceExtensions
{
    /// <summary>Filters named modules to those whose dotted name matches a <see cref="PathPattern"/>.</summary>
    /// <param name="source">A sequence of named modules, e.g. <c>model.NamedModules()</c>.</param>
    /// <param name="pattern">The pattern, e.g. <c>layer1.*</c>; parsed once, before enumeration.</param>
    /// <returns>A lazy sequence of the matching pairs, in source order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="pattern"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="pattern"/> is malformed.</exception>
    /// <remarks>Equivalent to a filtered PyTorch <c>named_modules()</c> loop; the root's name is the empty string, which
    /// only the empty pattern and <c>**</c> match.</remarks>
    public static IEnumerable<(string Name, Module Module)> Matching(this IEnumerable<(string Name, Module Module)> source, string pattern)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(pattern);
        return Matching(source, PathPattern.Parse(pattern));
    }

    /// <summary>Filters named modules to those whose dotted name matches a parsed pattern.</summary>
    /// <param name="source">A sequence of named modules.</param>
    /// <param name="pattern">The parsed pattern.</param>
    /// <returns>A lazy sequence of the matching pairs, in source order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="pattern"/> is null.</exception>
    /// <remarks>Equivalent to a filtered PyTorch <c>named_modules()</c> loop.</remarks>
    public static IEnumerable<(string Name, Module Module)> Matching(this IEnumerable<(string Name, Module Module)> source, PathPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(pattern);
        return Filter(source, x => pattern.IsMatch(x.Name));
    }
}
