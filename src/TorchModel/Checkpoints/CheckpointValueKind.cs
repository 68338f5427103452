namespace TorchModel;

/// <summary>The Python type of a <see cref="CheckpointValue"/> read from a <c>torch.save</c> file.</summary>
public enum CheckpointValueKind
{
    /// <summary>Python's <c>None</c>.</summary>
    None,

    /// <summary>A <c>bool</c>.</summary>
    Bool,

    /// <summary>An <c>int</c> (arbitrary precision; <see cref="CheckpointValue.AsInt64"/> when it fits in 64 bits).</summary>
    Int,

    /// <summary>A <c>float</c> (a C# <see cref="double"/>).</summary>
    Float,

    /// <summary>A <c>str</c>.</summary>
    String,

    /// <summary>A <c>bytes</c> or <c>bytearray</c>.</summary>
    Bytes,

    /// <summary>A <c>list</c>.</summary>
    List,

    /// <summary>A <c>tuple</c>.</summary>
    Tuple,

    /// <summary>A <c>dict</c> or <c>collections.OrderedDict</c> (insertion-ordered).</summary>
    Dict,

    /// <summary>A <c>torch.Tensor</c> or <c>torch.nn.Parameter</c>.</summary>
    Tensor,

    /// <summary>A <c>torch.Size</c>.</summary>
    Size,

    /// <summary>A <c>torch.dtype</c> such as <c>torch.float32</c>.</summary>
    DType,

    /// <summary>A <c>torch.device</c> such as <c>cuda:0</c>.</summary>
    Device,
}
