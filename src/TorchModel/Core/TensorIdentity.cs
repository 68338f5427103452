using System.Runtime.InteropServices;

namespace TorchModel.Internal;

/// <summary>
/// The identity PyTorch de-duplicates by: the libtorch tensor (its <c>TensorImpl</c>), not the C# wrapper.
/// A TorchSharp <see cref="TorchSharp.torch.Tensor.Handle"/> points at a heap <c>at::Tensor</c>, whose only field is the
/// intrusive pointer to its <c>TensorImpl</c>; two wrappers of one tensor (e.g. each get of
/// <c>Embedding.weight</c>) have different handles but the same <c>TensorImpl</c>.
/// </summary>
internal static class TensorIdentity
{
    /// <summary>Returns the address of the tensor's <c>TensorImpl</c>.</summary>
    public static nint Of(Tensor tensor)
    {
        nint handle = tensor.Handle;
        if (handle == 0) throw Throw.DisposedTensor();
        return Marshal.ReadIntPtr(handle);
    }
}
