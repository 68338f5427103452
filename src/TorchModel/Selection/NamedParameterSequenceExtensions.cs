using static TorchModel.SequenceFilter;

namespace TorchModel;

/// <summary>Operators over <c>(Name, Parameter)</c> sequences such as <see cref="ModuleExtensions.NamedParameters"/>'s.</summary>
public static class NamedParameterSequenceExtensions
{
    /// <summary>Filters named parameters to those whose dotted name matches a <see cref="PathPattern"/>.</summary>
    /// <param name="source">A sequence of named parameters, e.g. <c>model.NamedParameters()</c>.</param>
    /// <param name="pattern">The pattern, e.g. <c>layer4.**</c>; parsed once, before enumeration.</param>
    /// <returns>A lazy sequence of the matching pairs, in source order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="pattern"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="pattern"/> is malformed.</exception>
    /// <remarks>Equivalent to PyTorch's <c>((n, p) for n, p in model.named_parameters() if ...)</c> with a
    /// hand-written name test. An empty result is not an error here (use <c>Freeze</c> for checked selections).</remarks>
    public static IEnumerable<(string Name, Parameter Parameter)> Matching(this IEnumerable<(string Name, Parameter Parameter)> source, string pattern)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(pattern);
        return Matching(source, PathPattern.Parse(pattern));
    }

    /// <summary>Filters named parameters to those whose dotted name matches a parsed pattern.</summary>
    /// <param name="source">A sequence of named parameters.</param>
    /// <param name="pattern">The parsed pattern.</param>
    /// <returns>A lazy sequence of the matching pairs, in source order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="pattern"/> is null.</exception>
    /// <remarks>Equivalent to a filtered PyTorch <c>named_parameters()</c> loop.</remarks>
    public static IEnumerable<(string Name, Parameter Parameter)> Matching(this IEnumerable<(string Name, Parameter Parameter)> source, PathPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(pattern);
        return Filter(source, x => pattern.IsMatch(x.Name));
    }

    /// <summary>Filters named parameters to those that require gradients.</summary>
    /// <param name="source">A sequence of named parameters.</param>
    /// <returns>A lazy sequence of the pairs whose parameter has <c>requires_grad</c> set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>[(n, p) for n, p in model.named_parameters() if p.requires_grad]</c>.</remarks>
    public static IEnumerable<(string Name, Parameter Parameter)> Trainable(this IEnumerable<(string Name, Parameter Parameter)> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Filter(source, static x => x.Parameter.requires_grad);
    }

    /// <summary>Filters named parameters to those that do not require gradients.</summary>
    /// <param name="source">A sequence of named parameters.</param>
    /// <returns>A lazy sequence of the pairs whose parameter has <c>requires_grad</c> cleared.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>[(n, p) for n, p in model.named_parameters() if not p.requires_grad]</c>.</remarks>
    public static IEnumerable<(string Name, Parameter Parameter)> Frozen(this IEnumerable<(string Name, Parameter Parameter)> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Filter(source, static x => !x.Parameter.requires_grad);
    }

    /// <summary>Sums the element counts of the parameters in a sequence.</summary>
    /// <param name="source">A sequence of named parameters (already de-duplicated when it comes from <c>NamedParameters()</c>).</param>
    /// <returns>The total number of elements.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>sum(p.numel() for _, p in pairs)</c>. It sums what it is given: it does not
    /// de-duplicate a sequence built with <c>removeDuplicate: false</c>.</remarks>
    public static long Numel(this IEnumerable<(string Name, Parameter Parameter)> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        long total = 0;
        foreach (var (_, parameter) in source) total += parameter.numel();
        return total;
    }
}
