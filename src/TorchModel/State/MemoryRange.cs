using System.Runtime.InteropServices;
using TorchSharp;

namespace TorchModel.Internal;

/// <summary>
/// The bytes a strided tensor can touch: from its data pointer (storage base plus offset) to one past its last
/// element, on one device. Two tensors whose ranges intersect may share memory; libtorch's <c>copy_</c> compares
/// the same ranges to refuse a source that partly overlaps its target.
/// </summary>
internal readonly record struct MemoryRange(DeviceType Device, int DeviceIndex, nuint Begin, nuint End)
{
    /// <summary>Whether the range holds no byte (an empty tensor).</summary>
    public bool IsEmpty => End == Begin;

    /// <summary>Whether both ranges share at least one byte of one device's memory.</summary>
    public bool Intersects(MemoryRange other)
        => Device == other.Device && DeviceIndex == other.DeviceIndex && Begin < other.End && other.Begin < End;

    /// <summary>The range of a dense strided tensor that holds data (<see cref="TensorFacts.HoldsData"/>). Strides are
    /// never negative in libtorch, so the first element is at the data pointer.</summary>
    public static MemoryRange Of(Tensor tensor, in TensorFacts facts)
    {
        nuint begin = (nuint)THSTensor_data(tensor.Handle);
        var shape = facts.Shape;
        if (begin == 0 || shape.Contains(0)) return new MemoryRange(facts.Device, facts.DeviceIndex, begin, begin);
        // Sizes and strides of an existing tensor fit its storage, so the sum cannot overflow.
        long last = 0;
        for (int i = 0; i < shape.Length; i++) last += (shape[i] - 1) * facts.Strides[i];
        nuint end = begin + (nuint)((last + 1) * tensor.ElementSize);
        return new MemoryRange(facts.Device, facts.DeviceIndex, begin, end);
    }

    /// <summary>libtorch's <c>at::Tensor::data_ptr()</c>, exported by TorchSharp's native library (the pointer
    /// TorchSharp itself reads tensor bytes through); TorchSharp has no managed accessor for it on every dtype.</summary>
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);
}
