using TorchModel.Internal;
using TorchModel.Internal.Checkpoints;

namespace TorchModel;

/// <summary>
/// Reads the sharded checkpoints Hugging Face publishes for large models: a <c>model.safetensors.index.json</c> or
/// <c>pytorch_model.bin.index.json</c> that maps every tensor name to one of several shard files in its folder.
/// </summary>
/// <remarks>
/// Equivalent to <c>transformers.modeling_utils.load_sharded_checkpoint</c> and <c>huggingface_hub.load_torch_model</c>
/// for a folder. The whole index and every shard's header are validated before any tensor is read. TorchSharp has no
/// counterpart. To write a sharded checkpoint use <see cref="SafeTensors.SaveSharded"/>.
/// </remarks>
public static class ShardedCheckpoint
{
    /// <summary>Reads every tensor of a sharded checkpoint into new CPU tensors.</summary>
    /// <param name="path">The index file (<c>*.safetensors.index.json</c>, <c>pytorch_model.bin.index.json</c>) or the folder
    /// holding it (<c>model.safetensors.index.json</c> is looked for first).</param>
    /// <returns>The tensors in the index's order; the caller disposes it (which disposes the tensors).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The path does not exist, or the folder holds no index.</exception>
    /// <exception cref="CheckpointFormatException">The index is malformed or lies (a shard is missing, outside the folder,
    /// lacks a tensor the index assigns it, or holds one the index does not assign it), or a shard is corrupt; the message
    /// names the shard and the tensor.</exception>
    /// <remarks>
    /// Equivalent to merging <c>safetensors.torch.load_file</c> (or <c>torch.load(weights_only=True)</c> for <c>.bin</c>
    /// shards) over every shard the index names. Shard names must be plain file names in the index's folder: <c>../</c>,
    /// subfolders and absolute paths are refused before anything is opened. torch.save shards are read whole by
    /// <see cref="PyTorchCheckpoint.Load(string)"/>.
    /// </remarks>
    public static StateDict Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var index = ShardIndex.Read(IndexPath(path));
        if (!index.IsSafeTensors)
        {
            var shards = LoadPickleShards(index);
            try
            {
                return Merge(index, shards);
            }
            finally
            {
                foreach (var shard in shards) shard.Dispose();
            }
        }
        var sources = OpenSafeTensorsShards(index);
        try
        {
            var loaded = new List<StateDict>(sources.Count);
            try
            {
                foreach (var source in sources)
                {
                    source.Stream.Seek(0, SeekOrigin.Begin);
                    loaded.Add(SafeTensors.Load(source.Stream));
                }
                return Merge(index, loaded);
            }
            finally
            {
                foreach (var shard in loaded) shard.Dispose();
            }
        }
        finally
        {
            foreach (var source in sources) source.Dispose();
        }
    }

    /// <summary>The index a path means: itself when it is a file, or the first of the standard index names in a folder.</summary>
    internal static string IndexPath(string path)
        => ShardIndex.Locate(path) ?? throw Throw.NotAShardIndex(path);

    /// <summary>Opens every safetensors shard, validates its header, and checks its tensors against the index.</summary>
    internal static List<SafeTensorsModuleLoader.Source> OpenSafeTensorsShards(ShardIndex index)
    {
        var sources = new List<SafeTensorsModuleLoader.Source>(index.Shards.Count);
        try
        {
            for (int i = 0; i < index.Shards.Count; i++)
            {
                try
                {
                    sources.Add(SafeTensorsModuleLoader.Source.Open(index.ShardPath(i)));
                }
                catch (CheckpointFormatException e)
                {
                    throw Throw.ShardContents(index.Path, index.Shards[i], $"is not a valid safetensors file: {e.Message}");
                }
            }
            CheckContents(index, i => sources[i].Header.Entries.Select(e => e.Name));
            return sources;
        }
        catch
        {
            foreach (var source in sources) source.Dispose();
            throw;
        }
    }

    /// <summary>Reads every torch.save shard whole and checks its tensors against the index.</summary>
    internal static List<StateDict> LoadPickleShards(ShardIndex index)
    {
        var shards = new List<StateDict>(index.Shards.Count);
        try
        {
            for (int i = 0; i < index.Shards.Count; i++)
            {
                try
                {
                    shards.Add(PyTorchCheckpoint.Load(index.ShardPath(i)));
                }
                catch (CheckpointFormatException e)
                {
                    throw Throw.ShardContents(index.Path, index.Shards[i], $"is not a valid torch.save state_dict: {e.Message}");
                }
            }
            CheckContents(index, i => shards[i].Keys);
            return shards;
        }
        catch
        {
            foreach (var shard in shards) shard.Dispose();
            throw;
        }
    }

    /// <summary>Every shard holds exactly the tensors the index assigns it: no more (a tensor in two shards, or one the
    /// index does not list), no less.</summary>
    private static void CheckContents(ShardIndex index, Func<int, IEnumerable<string>> namesIn)
    {
        var assigned = new Dictionary<string, int>(index.Keys.Count, StringComparer.Ordinal);
        foreach (var (key, shard) in index.Keys) assigned[key] = shard;
        var found = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < index.Shards.Count; i++)
        {
            foreach (string name in namesIn(i))
            {
                if (!assigned.TryGetValue(name, out int shard))
                    throw Throw.ShardContents(index.Path, index.Shards[i], $"holds tensor '{name}', which the index does not list");
                if (shard != i)
                    throw Throw.ShardContents(index.Path, index.Shards[i], $"holds tensor '{name}', which the index assigns to shard '{index.Shards[shard]}'; a tensor may be in one shard only");
                found.Add(name);
            }
        }
        foreach (var (key, shard) in index.Keys)
        {
            if (!found.Contains(key))
                throw Throw.ShardContents(index.Path, index.Shards[shard], $"has no tensor '{key}', although the index assigns it there");
        }
    }

    /// <summary>One owning state dict in the index's order, over new handles of the shards' tensors.</summary>
    private static StateDict Merge(ShardIndex index, List<StateDict> shards)
    {
        var merged = new List<KeyValuePair<string, Tensor>>(index.Keys.Count);
        try
        {
            foreach (var (key, shard) in index.Keys) merged.Add(new(key, shards[shard][key].detach()));
            return StateDict.Owning(merged);
        }
        catch
        {
            foreach (var (_, tensor) in merged) tensor.Dispose();
            throw;
        }
    }
}
