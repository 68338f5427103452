namespace TorchModel;

/// <summary>How one captured tensor of a port compares with the original's.</summary>
public enum PortCheckStatus
{
    /// <summary>Same shape and dtype, every element within tolerance.</summary>
    Match,

    /// <summary>Same shape and dtype, but some element differs by more than <c>atol + rtol × |expected|</c> (or is NaN on one side only).</summary>
    ExceedsTolerance,

    /// <summary>The shapes differ; no element is compared.</summary>
    ShapeMismatch,

    /// <summary>The shapes agree but the dtypes differ; the values are still compared (as float64).</summary>
    DTypeMismatch,
}
