namespace TorchModel;

/// <summary>
/// An optimizer's state in PyTorch's <c>optimizer.state_dict()</c> layout: per-parameter state keyed by the parameter's
/// index (numbered across the groups in order) and the parameter groups with their hyper-parameters.
/// </summary>
/// <remarks>
/// <para>Values use PyTorch's key names and these .NET types: <see cref="Tensor"/> (moments; <c>step</c> as a float32
/// scalar tensor, as PyTorch 2.x writes it), <see cref="double"/>, <see cref="long"/>, <see cref="bool"/>, <see cref="string"/>,
/// null (Python's <c>None</c>) and <see cref="IReadOnlyList{T}"/> of those (Python's tuples such as <c>betas</c>).
/// Dictionaries keep insertion order, which is the order PyTorch writes.</para>
/// <para>Equivalent to the dictionary PyTorch's <c>Optimizer.state_dict()</c> returns. TorchSharp's own
/// <c>state_dict()</c> returns a different, TorchSharp-only structure. An instance made by
/// <see cref="OptimizerExtensions.ToPyTorchStateDict"/> owns its tensors (copies); dispose it to free them.</para>
/// </remarks>
public sealed class OptimizerStateDict : IDisposable
{
    /// <summary>Creates a state dict from its two parts.</summary>
    /// <param name="state">The per-parameter state by parameter index (PyTorch's <c>"state"</c>).</param>
    /// <param name="paramGroups">The parameter groups (PyTorch's <c>"param_groups"</c>).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public OptimizerStateDict(IReadOnlyDictionary<long, IReadOnlyDictionary<string, object?>> state, IReadOnlyList<OptimizerParamGroup> paramGroups)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(paramGroups);
        State = state;
        ParamGroups = paramGroups;
    }

    /// <summary>Gets the per-parameter state by parameter index (PyTorch's <c>"state"</c>); parameters that were never
    /// stepped have no entry.</summary>
    public IReadOnlyDictionary<long, IReadOnlyDictionary<string, object?>> State { get; }

    /// <summary>Gets the parameter groups (PyTorch's <c>"param_groups"</c>).</summary>
    public IReadOnlyList<OptimizerParamGroup> ParamGroups { get; }

    /// <summary>Disposes the tensors in <see cref="State"/>.</summary>
    public void Dispose()
    {
        foreach (var entry in State.Values)
            foreach (var value in entry.Values)
                if (value is Tensor tensor) tensor.Dispose();
    }
}
