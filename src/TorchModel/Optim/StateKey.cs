namespace TorchModel.Internal;

/// <summary>One key of a per-parameter state entry: PyTorch's name, which is also the TorchSharp <c>State</c> field's name.</summary>
internal sealed record StateKey(string Name, StatePresence Presence = StatePresence.Always, string? Option = null);
