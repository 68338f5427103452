namespace TorchModel;

/// <summary>One row of a <see cref="ModelSummary"/>: one call of a layer in the forward pass (or one module of the
/// tree without a forward pass).</summary>
/// <param name="Path">The layer's dotted name in the model (empty for the root).</param>
/// <param name="ClassName">The layer's class name as PyTorch prints it.</param>
/// <param name="Depth">The call depth (the root is 0).</param>
/// <param name="DepthIndex">The 1-based index among rows of the same depth (torchinfo's <c>depth-idx</c>); 0 for the root.</param>
/// <param name="InputShape">The shape of the first input tensor, or null when unknown.</param>
/// <param name="OutputShape">The shape of the output tensor, or null when unknown.</param>
/// <param name="Parameters">The elements of the layer's parameters, its descendants' included, each tensor once.</param>
/// <param name="TrainableParameters">The part of <paramref name="Parameters"/> that requires gradients.</param>
/// <param name="LeftoverParameters">The elements of the parameters the layer owns directly (not through a child).</param>
/// <param name="MultAdds">Multiply-accumulates by torchinfo's definition (leaf layers only; 0 otherwise).</param>
/// <param name="IsLeaf">Whether the layer has no child modules.</param>
/// <param name="IsRecursive">Whether every parameter the layer owns directly was already counted by an earlier row.</param>
public sealed record SummaryRow(
    string Path, string ClassName, int Depth, int DepthIndex, long[]? InputShape, long[]? OutputShape,
    long Parameters, long TrainableParameters, long LeftoverParameters, long MultAdds, bool IsLeaf, bool IsRecursive)
{
    /// <summary>Gets the layer's dotted name in the model (empty for the root).</summary>
    public string Path { get; init; } = Path ?? throw new ArgumentNullException(nameof(Path));

    /// <summary>Gets the layer's class name as PyTorch prints it.</summary>
    public string ClassName { get; init; } = ClassName ?? throw new ArgumentNullException(nameof(ClassName));
}
