using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TorchModel.Tests.State;

/// <summary>Raw-memory checks on CPU tensors.</summary>
internal static class TensorMemory
{
    /// <summary>Whether both tensors start at the same address (they share storage).</summary>
    public static bool SameMemory(Tensor a, Tensor b)
        => Unsafe.AreSame(ref MemoryMarshal.GetReference(a.bytes), ref MemoryMarshal.GetReference(b.bytes));

    /// <summary>Whether both tensors hold the same bytes (bit for bit, NaN and -0 included).</summary>
    public static bool SameBytes(Tensor a, Tensor b) => a.bytes.SequenceEqual(b.bytes);
}
