using TorchSharp;
using static TorchSharp.torch;

namespace TorchModel.Internal;

/// <summary>
/// What the load's checks need to know about one tensor, read once through cheap scalar calls (TorchSharp's
/// <c>shape</c> and <c>stride()</c> arrays cost microseconds each, which a model of 10,000 tensors notices).
/// </summary>
internal readonly struct TensorFacts
{
    public nint Impl { get; init; }
    public DeviceType Device { get; init; }
    public int DeviceIndex { get; init; }
    public ScalarType DType { get; init; }
    public long[] Shape { get; init; }
    /// <summary>The strides, or empty for a sparse tensor (which has none).</summary>
    public long[] Strides { get; init; }
    public bool Sparse { get; init; }

    public bool Meta => Device == DeviceType.META;
    public bool Quantized => is_quantized(DType);
    /// <summary>Whether the tensor's elements live in memory this process can address (not meta, not sparse).</summary>
    public bool HoldsData => !Meta && !Sparse;

    public static TensorFacts Of(Tensor tensor)
    {
        bool sparse = tensor.is_sparse;
        int dims = (int)tensor.dim();
        var shape = new long[dims];
        var strides = sparse ? [] : new long[dims];
        for (int i = 0; i < dims; i++)
        {
            shape[i] = tensor.size(i);
            if (!sparse) strides[i] = tensor.stride(i);
        }
        var device = tensor.device_type;
        return new TensorFacts
        {
            Impl = TensorIdentity.Of(tensor),
            Device = device,
            DeviceIndex = device == DeviceType.CPU ? -1 : tensor.device_index,
            DType = tensor.dtype,
            Shape = shape,
            Strides = strides,
            Sparse = sparse,
        };
    }

    /// <summary>libtorch's <c>has_internal_overlap</c> answer "yes": a dimension of more than one element with stride 0.</summary>
    public bool HasInternalOverlap
    {
        get
        {
            for (int i = 0; i < Strides.Length; i++)
            {
                if (Shape[i] > 1 && Strides[i] == 0) return true;
            }
            return false;
        }
    }

    /// <summary>Whether the strides make a contiguous row-major layout (size-1 dimensions' strides ignored).</summary>
    public bool Contiguous
    {
        get
        {
            long expected = 1;
            for (int i = Shape.Length - 1; i >= 0; i--)
            {
                if (Shape[i] == 0) return true;
                if (Shape[i] != 1 && Strides[i] != expected) return false;
                expected *= Shape[i];
            }
            return true;
        }
    }
}
