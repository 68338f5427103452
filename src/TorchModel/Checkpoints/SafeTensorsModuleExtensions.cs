using TorchModel.Internal.Checkpoints;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Saves the module's state_dict to a safetensors file.</summary>
    /// <param name="module">The module whose parameters and persistent buffers are saved.</param>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="metadata">String metadata stored in the file; <c>"format": "pt"</c> is always added.</param>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A tensor's dtype has no safetensors code.</exception>
    /// <remarks>Equivalent to Python's <c>safetensors.torch.save_file(module.state_dict(), path, metadata)</c>; keys keep
    /// state_dict order. TorchSharp's <c>Module.save</c> writes a format PyTorch cannot read.</remarks>
    public static void SaveSafeTensors(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        using var state = module.StateDict();
        SafeTensors.Save(state, path, metadata);
    }

    /// <summary>Loads a safetensors file into the module's parameters and buffers.</summary>
    /// <param name="module">The module to load into.</param>
    /// <param name="path">The safetensors file.</param>
    /// <param name="strict">Whether keys of the file and of the module must match exactly.</param>
    /// <returns>The missing and unexpected keys (empty when <paramref name="strict"/> is <see langword="true"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="CheckpointFormatException">The file is corrupt or hostile.</exception>
    /// <remarks>Equivalent to PyTorch's <c>module.load_state_dict(safetensors.torch.load_file(path), strict)</c>.</remarks>
    public static IncompatibleKeys LoadSafeTensors(this Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        return SafeTensorsModuleLoader.Load(module, path, strict);
    }
}

