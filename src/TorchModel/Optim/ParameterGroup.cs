namespace TorchModel;

/// <summary>One optimizer parameter group built by name: its parameters with their names, learning rate and weight decay.</summary>
/// <param name="LearningRate">The group's learning rate, or null for the optimizer's <c>lr</c>.</param>
/// <param name="WeightDecay">The group's weight decay.</param>
/// <param name="Parameters">The group's parameters with their dotted names, in <c>NamedParameters()</c> order.</param>
public sealed record ParameterGroup(double? LearningRate, double WeightDecay, IReadOnlyList<(string Name, Parameter Parameter)> Parameters)
{
    /// <summary>Gets the group's parameters with their dotted names, in <c>NamedParameters()</c> order.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; init; } = Parameters ?? throw new ArgumentNullException(nameof(Parameters));
}
