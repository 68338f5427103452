namespace TorchModel.Internal;

/// <summary>A PyTorch param-group key TorchSharp has no field for: the value TorchSharp's algorithm behaves as, and whether
/// another value is refused (<c>maximize</c> on an optimizer without it) or harmless (<c>foreach</c>, <c>fused</c>: how
/// PyTorch runs, not what it computes).</summary>
internal sealed record ExtraGroupKey(string Name, object? Value, bool MustMatch);
