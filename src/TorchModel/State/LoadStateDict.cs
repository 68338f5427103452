using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Copies tensors from a state dict into the module's parameters and persistent buffers by dotted name,
    /// after checking every key and shape, so that a load either succeeds completely or changes nothing.</summary>
    /// <param name="module">The root module to load into.</param>
    /// <param name="stateDict">The tensors by dotted name, e.g. a <see cref="TorchModel.StateDict"/> or tensors read from a checkpoint.
    /// They may live on another device and have another dtype than the model's (they are converted as <c>copy_</c> does).</param>
    /// <param name="strict">When true (the default), a key of the model missing from <paramref name="stateDict"/>, or a key of
    /// <paramref name="stateDict"/> the model does not have, is an error. A shape mismatch is an error either way.</param>
    /// <returns>The missing and unexpected keys (both empty when all keys matched).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="stateDict"/> is null.</exception>
    /// <exception cref="StateDictLoadException">A key is missing or unexpected (with <paramref name="strict"/>), a shape
    /// differs, a value is null or disposed, or libtorch's <c>copy_</c> would refuse the pair (a source on <c>meta</c>, quantized or sparse against dense, an expanded or inference-mode target, a source sharing memory with a tensor the load writes); its message is PyTorch's text where PyTorch has one. The model is left unchanged, bit for bit.</exception>
    /// <remarks>
    /// Equivalent to PyTorch 2.x's <c>load_state_dict(state_dict, strict)</c>: the same visit order, missing keys in
    /// <c>state_dict()</c> order, unexpected keys in module-visit then input order (keys nested under a parameter or
    /// child name are ignored, as PyTorch does), a 0-dim parameter accepts a 1-dim value (its first element), and the
    /// copy runs under <c>no_grad</c>. Unlike PyTorch, which copies as it goes and can leave a model half-loaded, nothing
    /// is copied until every entry has been validated. Unlike TorchSharp's <c>load_state_dict</c>, shapes are checked (a
    /// <c>[1]</c> tensor is not broadcast into a <c>[64]</c> bias), buffers and parameters are matched in PyTorch's order
    /// and the error names every offending key.
    /// </remarks>
    public static IncompatibleKeys LoadStateDict(this Module module, IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stateDict);
        return StateLoader.Load(module, stateDict, strict);
    }
}
