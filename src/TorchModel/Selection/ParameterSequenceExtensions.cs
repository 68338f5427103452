using static TorchModel.SequenceFilter;

namespace TorchModel;

/// <summary>Operators over parameter sequences such as <see cref="ModuleExtensions.Parameters"/>'s.</summary>
public static class ParameterSequenceExtensions
{
    /// <summary>Filters parameters to those that require gradients.</summary>
    /// <param name="source">A sequence of parameters.</param>
    /// <returns>A lazy sequence of the parameters with <c>requires_grad</c> set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>filter(lambda p: p.requires_grad, model.parameters())</c>.</remarks>
    public static IEnumerable<Parameter> Trainable(this IEnumerable<Parameter> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Filter(source, static p => p.requires_grad);
    }

    /// <summary>Filters parameters to those that do not require gradients.</summary>
    /// <param name="source">A sequence of parameters.</param>
    /// <returns>A lazy sequence of the parameters with <c>requires_grad</c> cleared.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>filter(lambda p: not p.requires_grad, model.parameters())</c>.</remarks>
    public static IEnumerable<Parameter> Frozen(this IEnumerable<Parameter> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Filter(source, static p => !p.requires_grad);
    }

    /// <summary>Sums the element counts of the parameters in a sequence.</summary>
    /// <param name="source">A sequence of parameters.</param>
    /// <returns>The total number of elements.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>sum(p.numel() for p in model.parameters())</c>; tied weights count once
    /// because <c>Parameters()</c> yields them once.</remarks>
    public static long Numel(this IEnumerable<Parameter> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        long total = 0;
        foreach (var parameter in source) total += parameter.numel();
        return total;
    }
}
