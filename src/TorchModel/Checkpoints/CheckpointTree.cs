namespace TorchModel;

/// <summary>The whole object tree of a <c>torch.save</c> file, as <c>torch.load(path, weights_only=True)</c> returns
/// it; owns the tensors in it.</summary>
/// <remarks>
/// Returned by <see cref="PyTorchCheckpoint.Read"/>. Disposing it disposes every tensor of the tree (a
/// <see cref="CheckpointValue.AsTensor"/> result must not be used afterwards; <c>detach()</c> or <c>clone()</c> what you
/// keep). TorchSharp has no counterpart.
/// </remarks>
public sealed class CheckpointTree : IDisposable
{
    private readonly IReadOnlyList<Tensor> _owned;
    private bool _disposed;

    internal CheckpointTree(CheckpointValue root, IReadOnlyList<Tensor> owned)
    {
        Root = root;
        _owned = owned;
    }

    /// <summary>Gets the top-level value (usually a dict).</summary>
    public CheckpointValue Root { get; }

    /// <summary>Gets a top-level dict entry by its <c>str</c> key.</summary>
    /// <param name="key">The key, e.g. <c>"model"</c> or <c>"epoch"</c>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The top level is not a dict.</exception>
    /// <exception cref="KeyNotFoundException">The key is missing (the message lists the keys there are).</exception>
    public CheckpointValue this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            return Root[key];
        }
    }

    /// <summary>Follows a key path from the top level (see <see cref="CheckpointValue.At"/>).</summary>
    /// <param name="path">The keys, outermost first.</param>
    /// <returns>The value at the end of the path.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or one of its keys is null.</exception>
    /// <exception cref="KeyNotFoundException">A step is missing.</exception>
    public CheckpointValue At(params string[] path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Root.At(path);
    }

    /// <summary>Disposes every tensor of the tree. Calling it twice is harmless.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _owned) t.Dispose();
    }
}
