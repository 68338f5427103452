namespace TorchModel;

/// <summary>One entry of PyTorch's <c>optimizer.state_dict()["param_groups"]</c>: the group's hyper-parameters and the
/// indices of its parameters.</summary>
/// <remarks>Equivalent to a PyTorch param-group dictionary, with <c>"params"</c> held apart in <see cref="Params"/>.</remarks>
public sealed class OptimizerParamGroup
{
    /// <summary>Creates a group.</summary>
    /// <param name="options">The hyper-parameters by PyTorch key (<c>lr</c>, <c>betas</c>, ...), in PyTorch's order.</param>
    /// <param name="params">The indices of the group's parameters (PyTorch's <c>"params"</c>).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public OptimizerParamGroup(IReadOnlyDictionary<string, object?> options, IReadOnlyList<long> @params)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(@params, nameof(@params));
        Options = options;
        Params = @params;
    }

    /// <summary>Gets the hyper-parameters by PyTorch key, in PyTorch's order.</summary>
    public IReadOnlyDictionary<string, object?> Options { get; }

    /// <summary>Gets the indices of the group's parameters.</summary>
    public IReadOnlyList<long> Params { get; }
}
