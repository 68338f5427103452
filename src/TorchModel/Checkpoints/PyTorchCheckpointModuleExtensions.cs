using TorchModel.Internal.Checkpoints;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Saves the module's state_dict as <c>torch.save(module.state_dict(), path)</c> does.</summary>
    /// <param name="module">The module whose parameters and persistent buffers are saved.</param>
    /// <param name="path">The file to write; replaced atomically if it exists.</param>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The path is empty, or a tensor has a dtype torch.save files cannot hold here.</exception>
    /// <remarks>Python reads it with <c>model.load_state_dict(torch.load(path, weights_only=True))</c>; keys keep
    /// state_dict order and tied weights stay tied. See <see cref="PyTorchCheckpoint.Save(object?, string)"/>.
    /// TorchSharp's <c>Module.save</c> writes a format PyTorch cannot read.</remarks>
    public static void SavePyTorch(this Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        using var state = module.StateDict();
        PyTorchCheckpoint.Save(state, path);
    }

    /// <summary>Loads a <c>torch.save</c> checkpoint into the module's parameters and buffers: a bare state_dict, or the
    /// state_dict under <paramref name="key"/> of a training dict (<c>"model"</c>, <c>"state_dict"</c>, ...).</summary>
    /// <param name="module">The module to load into.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="key">The top-level key of the state_dict; null for a file that is a state_dict.</param>
    /// <param name="strict">Whether keys of the file and of the module must match exactly.</param>
    /// <returns>The missing and unexpected keys (empty when <paramref name="strict"/> is <see langword="true"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is corrupt or hostile, or holds no state_dict there (the message
    /// lists the keys that are state_dicts).</exception>
    /// <exception cref="KeyNotFoundException"><paramref name="key"/> is missing (the message lists the keys there are).</exception>
    /// <exception cref="StateDictLoadException">Keys or shapes do not match, as <see cref="LoadStateDict"/> reports them.</exception>
    /// <remarks>
    /// Equivalent to PyTorch's <c>module.load_state_dict(torch.load(path, weights_only=True)[key], strict)</c>. The
    /// whole file is validated first. When the file's keys are exactly the module's, with the same shapes and dtypes,
    /// and the module's tensors are contiguous CPU tensors, each tensor's bytes are read from the file straight into
    /// the parameter's memory, with no intermediate tensor; otherwise the tensors are read and loaded by
    /// <see cref="LoadStateDict"/>. Either way nothing is written before every key, shape, dtype and byte range has
    /// been checked; an I/O error while reading (e.g. the file truncated by another process mid-load) can leave the
    /// parameters read so far updated.
    /// </remarks>
    public static IncompatibleKeys LoadPyTorch(this Module module, string path, string? key = null, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        string[] keyPath = key is null ? [] : [key];
        using (var reader = TorchSaveReader.Open(path))
        {
            var dict = PyTorchCheckpoint.SelectStateDict(reader, keyPath);
            using var targets = module.StateDict();
            if (DirectLoad.TryPlan(reader, dict, targets, out var plan))
            {
                DirectLoad.Run(reader, plan);
                return new IncompatibleKeys([], []);
            }
        }
        using var state = PyTorchCheckpoint.Load(path, keyPath);
        return module.LoadStateDict(state, strict);
    }
}
