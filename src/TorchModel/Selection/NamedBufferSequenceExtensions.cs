using static TorchModel.SequenceFilter;

namespace TorchModel;

/// <summary>Operators over <c>(Name, Buffer)</c> sequences such as <see cref="ModuleExtensions.NamedBuffers"/>'s.</summary>
public static class NamedBufferSequenceExtensions
{
    /// <summary>Filters named buffers to those whose dotted name matches a <see cref="PathPattern"/>.</summary>
    /// <param name="source">A sequence of named buffers, e.g. <c>model.NamedBuffers()</c>.</param>
    /// <param name="pattern">The pattern, e.g. <c>**.running_mean</c>; parsed once, before enumeration.</param>
    /// <returns>A lazy sequence of the matching pairs, in source order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="pattern"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="pattern"/> is malformed.</exception>
    /// <remarks>Equivalent to a filtered PyTorch <c>named_buffers()</c> loop.</remarks>
    public static IEnumerable<(string Name, Tensor Buffer)> Matching(this IEnumerable<(string Name, Tensor Buffer)> source, string pattern)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(pattern);
        return Matching(source, PathPattern.Parse(pattern));
    }

    /// <summary>Filters named buffers to those whose dotted name matches a parsed pattern.</summary>
    /// <param name="source">A sequence of named buffers.</param>
    /// <param name="pattern">The parsed pattern.</param>
    /// <returns>A lazy sequence of the matching pairs, in source order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="pattern"/> is null.</exception>
    /// <remarks>Equivalent to a filtered PyTorch <c>named_buffers()</c> loop.</remarks>
    public static IEnumerable<(string Name, Tensor Buffer)> Matching(this IEnumerable<(string Name, Tensor Buffer)> source, PathPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(pattern);
        return Filter(source, x => pattern.IsMatch(x.Name));
    }
}
