namespace TorchModel.Internal;

/// <summary>When a per-parameter state entry of PyTorch's <c>optimizer.state_dict()</c> must carry a key.</summary>
internal enum StatePresence
{
    /// <summary>Every entry carries it.</summary>
    Always,

    /// <summary>An entry may omit it (or hold <c>None</c>); the optimizer then starts it afresh, as PyTorch does.</summary>
    Optional,

    /// <summary>Required when the group's option named by <see cref="StateKey.Option"/> is true or non-zero.</summary>
    WhenOption,
}
