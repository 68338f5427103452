using System.Text.Json;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// A Hugging Face sharded checkpoint's index (<c>model.safetensors.index.json</c>, <c>pytorch_model.bin.index.json</c>):
/// <c>{"metadata": {"total_size": N}, "weight_map": {name: shard file}}</c>, read and validated before any shard is opened:
/// every name once, every shard a plain file name inside the index's folder, every shard present, one shard format.
/// </summary>
internal sealed class ShardIndex
{
    /// <summary>The largest index file read (real ones are kilobytes to a few megabytes).</summary>
    public const long MaxIndexBytes = 64L << 20;

    /// <summary>The index names <c>transformers</c> and <c>huggingface_hub</c> write, in the order a folder is searched.</summary>
    public static readonly string[] IndexNames = ["model.safetensors.index.json", "pytorch_model.bin.index.json"];

    private ShardIndex(string path, string folder, List<(string Key, int Shard)> keys, List<string> shards, bool safeTensors)
    {
        Path = path;
        Folder = folder;
        Keys = keys;
        Shards = shards;
        IsSafeTensors = safeTensors;
    }

    /// <summary>The index file.</summary>
    public string Path { get; }

    /// <summary>The folder the shards live in (the index's own).</summary>
    public string Folder { get; }

    /// <summary>Every tensor name in the index's order, with its shard's position in <see cref="Shards"/>.</summary>
    public List<(string Key, int Shard)> Keys { get; }

    /// <summary>The shard file names, in order of first mention.</summary>
    public List<string> Shards { get; }

    /// <summary>Whether the shards are safetensors files (otherwise torch.save files).</summary>
    public bool IsSafeTensors { get; }

    /// <summary>The full path of a shard.</summary>
    public string ShardPath(int shard) => System.IO.Path.Combine(Folder, Shards[shard]);

    /// <summary>Finds the index a path means: the index file itself, or a folder holding one of <see cref="IndexNames"/>.</summary>
    /// <returns>The index path, or <see langword="null"/> when <paramref name="path"/> is a single checkpoint file.</returns>
    public static string? Locate(string path)
    {
        if (Directory.Exists(path))
        {
            foreach (string name in IndexNames)
            {
                string candidate = System.IO.Path.Combine(path, name);
                if (File.Exists(candidate)) return candidate;
            }
            throw Throw.NoShardIndex(path, IndexNames);
        }
        if (!File.Exists(path)) throw Throw.CheckpointNotFound(path);
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? path : null;
    }

    /// <summary>Reads and validates an index file.</summary>
    public static ShardIndex Read(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string folder = System.IO.Path.GetDirectoryName(full)!;
        byte[] json;
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
        {
            if (stream.Length > MaxIndexBytes) throw Throw.ShardIndex(full, $"it is {stream.Length} bytes, over the {MaxIndexBytes}-byte limit for an index");
            json = new byte[stream.Length];
            stream.ReadExactly(json);
        }

        var keys = new List<(string Key, int Shard)>();
        var shards = new List<string>();
        var shardNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool sawMap = false;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw Throw.ShardIndex(full, "it is not a JSON object");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string field = reader.GetString()!;
                reader.Read();
                if (field == "weight_map")
                {
                    if (sawMap) throw Throw.ShardIndex(full, "it has \"weight_map\" more than once");
                    sawMap = true;
                    if (reader.TokenType != JsonTokenType.StartObject) throw Throw.ShardIndex(full, "its \"weight_map\" is not an object of tensor name to shard file");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        string key = reader.GetString()!;
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.String) throw Throw.ShardIndex(full, $"the shard of tensor '{key}' is not a string");
                        string shard = reader.GetString()!;
                        if (!seen.Add(key)) throw Throw.ShardIndex(full, $"it names tensor '{key}' more than once");
                        if (!shardNumbers.TryGetValue(shard, out int number))
                        {
                            CheckShardName(full, key, shard);
                            number = shards.Count;
                            shardNumbers.Add(shard, number);
                            shards.Add(shard);
                        }
                        keys.Add((key, number));
                    }
                }
                else if (field == "metadata" && reader.TokenType == JsonTokenType.StartObject)
                {
                    CheckMetadata(full, ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            reader.Read(); // throws on anything but trailing whitespace
        }
        catch (JsonException e)
        {
            throw Throw.ShardIndex(full, $"it is not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            throw Throw.ShardIndex(full, $"it is not valid JSON ({e.Message})", e);
        }
        if (!sawMap) throw Throw.ShardIndex(full, "it has no \"weight_map\"");
        if (keys.Count == 0) throw Throw.ShardIndex(full, "its \"weight_map\" names no tensors");

        bool safeTensors = shards[0].EndsWith(".safetensors", StringComparison.Ordinal);
        foreach (string shard in shards)
        {
            if (shard.EndsWith(".safetensors", StringComparison.Ordinal) != safeTensors)
                throw Throw.ShardIndex(full, $"it mixes safetensors shards ('{(safeTensors ? shards[0] : shard)}') with torch.save shards ('{(safeTensors ? shard : shards[0])}')");
        }
        for (int i = 0; i < shards.Count; i++)
        {
            string shardPath = System.IO.Path.Combine(folder, shards[i]);
            if (!File.Exists(shardPath))
            {
                string key = keys.First(k => k.Shard == i).Key;
                throw Throw.ShardIndex(full, $"its shard '{shards[i]}' (holding tensor '{key}') does not exist in '{folder}'");
            }
        }
        return new ShardIndex(full, folder, keys, shards, safeTensors);
    }

    /// <summary>A shard must be a plain file name in the index's folder: no directory part, no <c>..</c>, not rooted.</summary>
    private static void CheckShardName(string index, string key, string shard)
    {
        bool plain = shard.Length > 0
                     && shard != "." && shard != ".."
                     && shard.IndexOfAny(['/', '\\', '\0', ':']) < 0
                     && !System.IO.Path.IsPathRooted(shard)
                     && System.IO.Path.GetFileName(shard) == shard;
        if (!plain)
            throw Throw.ShardIndex(index, $"the shard of tensor '{key}' is '{shard}', which is not a plain file name in the index's folder (shards may not name other folders, '..' or absolute paths)");
    }

    /// <summary>Accepts any metadata object; a <c>total_size</c>, when present, must be a non-negative number.</summary>
    private static void CheckMetadata(string index, ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (name == "total_size" && (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double size) || size < 0))
                throw Throw.ShardIndex(index, "its \"metadata\".\"total_size\" is not a non-negative number");
            reader.Skip();
        }
    }
}
