using TorchModel.Internal;

namespace TorchModel;

/// <summary>One optimizer parameter group built by name: its parameters with their names, learning rate and weight decay.</summary>
/// <param name="LearningRate">The group's learning rate, or null for the optimizer's <c>lr</c>.</param>
/// <param name="WeightDecay">The group's weight decay.</param>
/// <param name="Parameters">The group's parameters with their dotted names, in <c>NamedParameters()</c> order.</param>
public sealed record ParameterGroup(double? LearningRate, double WeightDecay, IReadOnlyList<(string Name, Parameter Parameter)> Parameters)
{
    /// <summary>Gets the group's parameters with their dotted names, in <c>NamedParameters()</c> order.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; init; } = Parameters ?? throw new ArgumentNullException(nameof(Parameters));

    /// <summary>Describes the group as PyTorch's group dictionary would read, with the parameter names instead of their
    /// values: learning rate, weight decay, how many parameters and elements, the first names.</summary>
    /// <returns>E.g. <c>{'lr': 0.0001, 'weight_decay': 0.01, 'params': 4 tensors (1,234 elements): ['fc.weight', 'fc.bias', ...]}</c>;
    /// <c>'lr'</c> reads <c>default</c> when the optimizer's applies.</returns>
    public override string ToString()
    {
        const int Shown = 5;
        long elements = 0;
        foreach (var (_, p) in Parameters) elements += p.IsInvalid ? 0 : p.numel();
        var names = Parameters.Take(Shown).Select(x => PythonLiteral.Repr(x.Name)).ToList();
        if (Parameters.Count > Shown) names.Add($"... {Parameters.Count - Shown} more");
        string lr = LearningRate is { } value ? PythonLiteral.Float(value) : "default";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{{'lr': {lr}, 'weight_decay': {PythonLiteral.Float(WeightDecay)}, 'params': {Parameters.Count} tensor{(Parameters.Count == 1 ? "" : "s")} ({elements:#,0} elements): [{string.Join(", ", names)}]}}");
    }
}
