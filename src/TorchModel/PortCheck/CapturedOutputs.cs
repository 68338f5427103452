using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace TorchModel;

/// <summary>The tensors one forward pass produced, by capture name, in execution order: what
/// <see cref="ModuleExtensions.CaptureOutputs(Module, Tensor, CaptureOptions)"/> records and what
/// <c>tools/capture_outputs.py</c> writes for the PyTorch original.</summary>
/// <remarks>
/// <para>The order of <see cref="Keys"/> is part of the contract: an output is recorded when its module returns, an
/// input when its module is called, so a module's children come before the module itself. Names follow the rules in
/// docs/portcheck.md (<c>blocks.0.attn</c>, <c>drop_1</c> for a second call, <c>attn[0]</c> for a tuple element,
/// <c>attn:in[0]</c> for an input, <c>(root)</c> for the model itself).</para>
/// <para>The instance owns its tensors (CPU copies, detached from autograd and from any dispose scope): disposing it
/// disposes them, and nothing else does. There is no PyTorch counterpart; in Python the capture is an ordered dict.</para>
/// </remarks>
public sealed class CapturedOutputs : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly StateDict _tensors;

    internal CapturedOutputs(StateDict owning) => _tensors = owning;

    /// <summary>Reads a capture written by <see cref="Save"/> or by <c>tools/capture_outputs.py</c>.</summary>
    /// <param name="path">The safetensors file.</param>
    /// <returns>The capture, in the file's order; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is not valid safetensors.</exception>
    /// <remarks>Equivalent to Python's <c>safetensors.torch.load_file(path)</c> keeping the header's order, which is
    /// the capture's execution order (see <see cref="SafeTensors.Load(string)"/>).</remarks>
    public static CapturedOutputs Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new CapturedOutputs(SafeTensors.Load(path));
    }

    /// <summary>Writes the capture as a safetensors file, names and order unchanged.</summary>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The capture was disposed.</exception>
    /// <exception cref="ArgumentException">A captured tensor's dtype has no safetensors code (e.g. complex).</exception>
    /// <remarks>Equivalent to <c>safetensors.torch.save_file(capture, path)</c>; see <see cref="SafeTensors.Save"/>.</remarks>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SafeTensors.Save(_tensors, path);
    }

    /// <summary>Gets the number of captured tensors.</summary>
    public int Count => _tensors.Count;

    /// <summary>Gets the capture names in execution order.</summary>
    public IReadOnlyList<string> Keys => _tensors.Keys;

    /// <summary>Gets the captured tensors in execution order.</summary>
    /// <exception cref="ObjectDisposedException">The capture was disposed.</exception>
    public IReadOnlyList<Tensor> Values => _tensors.Values;

    IEnumerable<string> IReadOnlyDictionary<string, Tensor>.Keys => _tensors.Keys;

    IEnumerable<Tensor> IReadOnlyDictionary<string, Tensor>.Values => _tensors.Values;

    /// <summary>Gets the tensor captured under a name.</summary>
    /// <param name="key">A capture name, e.g. <c>blocks.0.attn[0]</c>.</param>
    /// <returns>The tensor, owned by this capture.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    /// <exception cref="ObjectDisposedException">The capture was disposed.</exception>
    public Tensor this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            return _tensors[key];
        }
    }

    /// <summary>Determines whether a tensor was captured under a name.</summary>
    /// <param name="key">The capture name.</param>
    /// <returns><see langword="true"/> when the name exists.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _tensors.ContainsKey(key);
    }

    /// <summary>Gets the tensor captured under a name, if any.</summary>
    /// <param name="key">The capture name.</param>
    /// <param name="value">The tensor, or null.</param>
    /// <returns><see langword="true"/> when the name exists.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The capture was disposed.</exception>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _tensors.TryGetValue(key, out value);
    }

    /// <summary>Enumerates the captured tensors in execution order.</summary>
    /// <returns>An enumerator of name/tensor pairs.</returns>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _tensors.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every captured tensor; calling it again does nothing.</summary>
    public void Dispose() => _tensors.Dispose();
}
