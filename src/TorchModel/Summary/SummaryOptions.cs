using TorchSharp;

namespace TorchModel;

/// <summary>How <see cref="ModuleExtensions.Summary(Module, SummaryOptions)"/> runs and renders a model summary.</summary>
/// <remarks>Immutable; start from <see cref="Default"/> and adjust with <c>with</c>:
/// <c>SummaryOptions.Default with { InputShapes = [[1, 3, 224, 224]], Depth = 2 }</c>.
/// Defaults follow torchinfo's <c>summary()</c>: depth 3, columns output shape and parameter count, width 25.</remarks>
public sealed record SummaryOptions
{
    /// <summary>Gets the defaults: no input (parameters only), depth 3, output shape and parameter columns.</summary>
    public static SummaryOptions Default { get; } = new();

    /// <summary>Gets the shapes of the dummy inputs (batch dimension included), one per forward argument. Empty: no
    /// forward pass; rows come from the module tree and show parameter counts only.</summary>
    public IReadOnlyList<long[]> InputShapes { get; init; } = [];

    /// <summary>Gets the deepest row depth shown (the root is depth 0); a container at this depth shows the total of
    /// its subtree. Totals always cover every layer.</summary>
    public int Depth { get; init; } = 3;

    /// <summary>Gets the columns shown when there is a forward pass (without one, only <see cref="SummaryColumns.ParamCount"/>
    /// and <see cref="SummaryColumns.Trainable"/> can be filled).</summary>
    public SummaryColumns Columns { get; init; } = SummaryColumns.OutputShape | SummaryColumns.ParamCount;

    /// <summary>Gets the width of each data column.</summary>
    public int ColumnWidth { get; init; } = 25;

    /// <summary>Gets the element type of the dummy inputs (float32 by default, as torchinfo), unless
    /// <see cref="InputTypes"/> gives one per input.</summary>
    public torch.ScalarType InputType { get; init; } = torch.ScalarType.Float32;

    /// <summary>Gets one element type per entry of <see cref="InputShapes"/> (torchinfo's <c>dtypes=</c>), e.g.
    /// <c>[ScalarType.Int64]</c> for token IDs; empty: <see cref="InputType"/> for every input.</summary>
    public IReadOnlyList<torch.ScalarType> InputTypes { get; init; } = [];
}
