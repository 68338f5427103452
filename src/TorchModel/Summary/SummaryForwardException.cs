namespace TorchModel;

/// <summary>Raised when the forward pass of <see cref="ModuleExtensions.Summary(Module, SummaryOptions)"/> fails; names the layer that failed.</summary>
public sealed class SummaryForwardException : Exception
{
    /// <summary>Initializes a new instance naming the failing layer.</summary>
    /// <param name="message">The message.</param>
    /// <param name="layerPath">The dotted name of the innermost layer running when the pass failed (empty: the root).</param>
    /// <param name="layerType">That layer's class name.</param>
    /// <param name="innerException">The original error.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public SummaryForwardException(string message, string layerPath, string layerType, Exception innerException)
        : base(message ?? throw new ArgumentNullException(nameof(message)), innerException ?? throw new ArgumentNullException(nameof(innerException)))
    {
        ArgumentNullException.ThrowIfNull(layerPath);
        ArgumentNullException.ThrowIfNull(layerType);
        LayerPath = layerPath;
        LayerType = layerType;
    }

    /// <summary>Gets the dotted name of the innermost layer running when the pass failed (empty: the root).</summary>
    public string LayerPath { get; }

    /// <summary>Gets the class name of that layer.</summary>
    public string LayerType { get; }
}
