using TorchModel.Internal;
using TorchModel.Internal.Checkpoints;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Loads a Hugging Face sharded checkpoint into the module's parameters and buffers.</summary>
    /// <param name="module">The module to load into.</param>
    /// <param name="path">The index file (<c>model.safetensors.index.json</c>, <c>pytorch_model.bin.index.json</c>) or the folder holding it.</param>
    /// <param name="strict">Whether the keys of all shards together and the module's must match exactly.</param>
    /// <returns>The missing and unexpected keys (empty when <paramref name="strict"/> is <see langword="true"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The path does not exist, or the folder holds no index.</exception>
    /// <exception cref="CheckpointFormatException">The index is malformed or lies, or a shard is corrupt (see <see cref="ShardedCheckpoint.Load"/>).</exception>
    /// <exception cref="StateDictLoadException">The tensors do not fit the model (PyTorch's message, followed by the shard of
    /// each offending key). The model is left unchanged.</exception>
    /// <remarks>
    /// Equivalent to <c>transformers.modeling_utils.load_sharded_checkpoint(module, folder, strict)</c>, with
    /// <see cref="LoadStateDict"/>'s rules and error text applied to all shards as one state_dict in the index's order.
    /// The index, every shard's header, and every key and shape against the model are validated before the first byte is
    /// written. safetensors shards are then streamed straight into the parameters as by <see cref="LoadSafeTensors"/>;
    /// torch.save shards are read whole first.
    /// </remarks>
    public static IncompatibleKeys LoadShardedCheckpoint(this Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        var index = ShardIndex.Read(ShardedCheckpoint.IndexPath(path));
        try
        {
            if (index.IsSafeTensors)
            {
                var sources = ShardedCheckpoint.OpenSafeTensorsShards(index);
                try
                {
                    var entryOf = sources.Select(s => s.Header.Entries.Select((e, i) => (e.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal)).ToList();
                    var keys = index.Keys.Select(k => new SafeTensorsModuleLoader.KeyLocation(k.Key, k.Shard, entryOf[k.Shard][k.Key])).ToList();
                    return SafeTensorsModuleLoader.Load(module, sources, keys, strict);
                }
                finally
                {
                    foreach (var source in sources) source.Dispose();
                }
            }
            var shards = ShardedCheckpoint.LoadPickleShards(index);
            try
            {
                using var merged = new StateDict(index.Keys.Select(k => new KeyValuePair<string, Tensor>(k.Key, shards[k.Shard][k.Key])));
                return module.LoadStateDict(merged, strict);
            }
            finally
            {
                foreach (var shard in shards) shard.Dispose();
            }
        }
        catch (StateDictLoadException e)
        {
            throw Throw.WithShards(e, index.Keys.ToDictionary(k => k.Key, k => index.Shards[k.Shard], StringComparer.Ordinal));
        }
    }

    /// <summary>Saves the module's state_dict as a Hugging Face sharded safetensors checkpoint.</summary>
    /// <param name="module">The module whose parameters and persistent buffers are saved.</param>
    /// <param name="folder">The folder to write into; created if missing.</param>
    /// <param name="maxShardSize">The most tensor bytes per shard (Hugging Face's default: 5 GB).</param>
    /// <param name="metadata">String metadata for the index (or the single file).</param>
    /// <returns>The names of the files written, shards first, then the index.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="folder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxShardSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException">As <see cref="SafeTensors.SaveSharded"/>.</exception>
    /// <remarks>Equivalent to <c>huggingface_hub.save_torch_state_dict(module.state_dict(), folder, max_shard_size=...)</c>;
    /// see <see cref="SafeTensors.SaveSharded"/>.</remarks>
    public static IReadOnlyList<string> SaveShardedSafeTensors(this Module module, string folder, long maxShardSize = SafeTensors.DefaultMaxShardSize, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(folder);
        using var state = module.StateDict();
        return SafeTensors.SaveSharded(state, folder, maxShardSize, metadata);
    }
}
