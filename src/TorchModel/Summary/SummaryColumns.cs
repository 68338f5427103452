namespace TorchModel;

/// <summary>The optional columns of a summary table (torchinfo's <c>col_names</c>).</summary>
[Flags]
public enum SummaryColumns
{
    /// <summary>No optional column: layer names only.</summary>
    None = 0,
    /// <summary>The shape of the layer's (first) input tensor: <c>Input Shape</c>.</summary>
    InputShape = 1,
    /// <summary>The shape of the layer's output tensor: <c>Output Shape</c>.</summary>
    OutputShape = 2,
    /// <summary>The layer's parameter count: <c>Param #</c>.</summary>
    ParamCount = 4,
    /// <summary>The layer's multiply-accumulate count by torchinfo's definition: <c>Mult-Adds</c>.</summary>
    MultAdds = 8,
    /// <summary>Whether the layer's parameters are trainable (<c>True</c>, <c>False</c>, <c>Partial</c>): <c>Trainable</c>.</summary>
    Trainable = 16,
}
