using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace TorchModel.Internal;

/// <summary>
/// A child module that libtorch keeps inside one of TorchSharp's native layers (MultiheadAttention's <c>out_proj</c>,
/// a Transformer layer's <c>self_attn</c>, <c>linear1</c>, <c>norm1</c>...), wrapped around its own native handle.
/// TorchSharp creates no .NET object for these; <see cref="NativeChildren"/> creates one wrapper per native child and
/// keeps it for the parent's lifetime, so every walk returns the same object.
/// </summary>
/// <remarks>
/// The wrapper owns only its reference to the native module (a <c>std::shared_ptr</c> copy). Its parameters and
/// buffers are the <see cref="Owner"/>'s own tensor objects, found under <see cref="Prefix"/>: the TorchSharp layer at
/// the top registers every native tensor under a dotted name (<c>self_attn.out_proj.weight</c>), so the wrapper's
/// <c>weight</c> is exactly the tensor object <c>Owner.named_parameters()</c> yields. None is registered on the wrapper
/// itself, so disposing the wrapper never disposes the model's tensors. Its forward cannot be called from .NET: the
/// owning layer's native forward calls it (or, as PyTorch's own MultiheadAttention does with <c>out_proj</c>, uses its
/// weights directly).
/// </remarks>
internal sealed class NativeModule : torch.nn.Module<Tensor, Tensor>
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "handle")]
    private static extern ref HType HandleField(Module module);

    private NativeModule(IntPtr handle, Module owner, string prefix, string className)
        : base(IntPtr.Zero, IntPtr.Zero)
    {
        // Constructed around a null handle so TorchSharp registers no parameter wrappers of its own, then pointed at
        // the native module; the handle releases the shared_ptr copy when the wrapper is disposed or collected.
        HandleField(this) = new HType(handle, ownsHandle: true);
        Owner = owner;
        Prefix = prefix;
        PythonClassName = className;
    }

    /// <summary>Creates the wrapper of a native child; takes ownership of <paramref name="handle"/>.</summary>
    public static NativeModule Create(IntPtr handle, Module owner, string prefix, string className)
        => new(handle, owner, prefix, className);

    /// <summary>The TorchSharp layer whose native tree holds this module; it owns the tensor objects.</summary>
    public Module Owner { get; }

    /// <summary>This module's dotted path inside <see cref="Owner"/>, with a trailing dot (<c>self_attn.out_proj.</c>).</summary>
    public string Prefix { get; }

    /// <summary>The class name PyTorch gives the same module (<c>Linear</c>, <c>NonDynamicallyQuantizableLinear</c>...).</summary>
    public string PythonClassName { get; }

    /// <summary>The libtorch module handle of any TorchSharp module (a pointer to its <c>shared_ptr</c>), zero when
    /// disposed. The module must be kept alive while the value is used.</summary>
    public static IntPtr HandleOf(Module module)
    {
        var handle = HandleField(module);
        return handle is null || handle.IsInvalid ? IntPtr.Zero : handle.DangerousGetHandle();
    }

    /// <summary>libtorch's <c>Module::name()</c> of a native module (<c>torch::nn::LinearImpl</c>).</summary>
    public static string NativeClassName(IntPtr handle) => THSNN_Module_name(handle) ?? "";

    /// <summary>Sets the training flag of one module through libtorch, which recurses only into the module's native
    /// children (a .NET module's children are not registered in libtorch).</summary>
    public static void SetNativeTraining(Module module, bool on)
    {
        IntPtr handle = HandleOf(module);
        if (handle == IntPtr.Zero) return;
        THSNN_Module_train(handle, on);
        GC.KeepAlive(module);
    }

    [DllImport("LibTorchSharp", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [return: MarshalAs(UnmanagedType.LPStr)]
    private static extern string? THSNN_Module_name(IntPtr module);

    [DllImport("LibTorchSharp")]
    private static extern void THSNN_Module_train(IntPtr module, [MarshalAs(UnmanagedType.U1)] bool on);

    /// <summary>Always throws: libtorch runs this module inside its owner's forward.</summary>
    /// <param name="input">Ignored.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor forward(Tensor input) => throw Throw.NativeChildForward(PythonClassName, Prefix.TrimEnd('.'), PythonNames.ClassName(Owner));
}
