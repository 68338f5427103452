using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TorchModel.Internal;
using TorchModel.Internal.Checkpoints;

namespace TorchModel;

public static partial class SafeTensors
{
    /// <summary>The shard size Hugging Face's <c>save_torch_state_dict</c> uses by default: 5 GB (decimal).</summary>
    public const long DefaultMaxShardSize = 5_000_000_000;

    /// <summary>Writes tensors as a Hugging Face sharded checkpoint: <c>model-00001-of-0000N.safetensors</c> files of at most
    /// <paramref name="maxShardSize"/> bytes of tensor data each, plus <c>model.safetensors.index.json</c>.</summary>
    /// <param name="tensors">The tensors by name, split over shards in the dictionary's enumeration order.</param>
    /// <param name="folder">The folder to write into; created if missing.</param>
    /// <param name="maxShardSize">The most tensor bytes per shard; a tensor larger than this gets a shard of its own.</param>
    /// <param name="metadata">String metadata: stored in the index's <c>"metadata"</c> when the checkpoint is sharded, in the
    /// single file's header otherwise (as Hugging Face does).</param>
    /// <returns>The names of the files written, shards first, then the index (absent when everything fits one file,
    /// which is then named <c>model.safetensors</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tensors"/>, <paramref name="folder"/>, a tensor or a metadata value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxShardSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException">As <see cref="Save"/>, or the metadata has a <c>"total_size"</c> key (the index's own).</exception>
    /// <remarks>
    /// Equivalent to <c>huggingface_hub.save_torch_state_dict(state_dict, folder, max_shard_size=maxShardSize,
    /// metadata=metadata)</c>, which <c>transformers</c>' <c>save_pretrained</c> uses: tensors are taken in order, a new
    /// shard starts when the next tensor would push the current one over the limit, a tensor over the limit alone goes
    /// into its own shard, the shards are numbered <c>-00001-of-00003</c>, each carries <c>{"format": "pt"}</c>, and the
    /// index is <c>{"metadata": {"total_size": bytes, ...}, "weight_map": {name: file}}</c> written as Python's
    /// <c>json.dump(index, f, indent=2)</c> writes it. Every shard is validated before the first file is written; each
    /// file is written atomically as by <see cref="Save"/>, the index last; then files of an earlier save to the same
    /// folder (<c>model.safetensors</c>, <c>model-*-of-*.safetensors</c>, the index) that this save did not write are
    /// deleted. Unlike Hugging Face, tensors that share memory are written once per name rather than de-duplicated.
    /// </remarks>
    public static IReadOnlyList<string> SaveSharded(IReadOnlyDictionary<string, Tensor> tensors, string folder, long maxShardSize = DefaultMaxShardSize, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardSize);
        if (folder.Length == 0) throw Throw.EmptyPath(nameof(folder));
        if (metadata is not null && metadata.ContainsKey("total_size"))
            throw Throw.ReservedIndexMetadata(nameof(metadata));

        // Validate everything (names, dtypes, metadata) once over all tensors, then split as Hugging Face does.
        var (all, _) = Prepare(tensors, metadata, long.MaxValue);
        var shards = new List<List<SaveItem>>();
        var current = new List<SaveItem>();
        long currentSize = 0, totalSize = 0;
        foreach (var item in all)
        {
            long size = item.Tensor.numel() * item.Size;
            totalSize += size;
            if (size > maxShardSize)
            {
                shards.Add([item]);
                continue;
            }
            if (currentSize + size > maxShardSize && current.Count > 0)
            {
                shards.Add(current);
                current = [];
                currentSize = 0;
            }
            current.Add(item);
            currentSize += size;
        }
        if (current.Count > 0 || shards.Count == 0) shards.Add(current);

        bool sharded = shards.Count > 1;
        var names = sharded
            ? shards.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors")).ToList()
            : ["model.safetensors"];
        var prepared = new List<(List<SaveItem> Items, byte[] Header)>(shards.Count);
        foreach (var shard in shards)
        {
            var dict = new StateDict(shard.Select(i => new KeyValuePair<string, Tensor>(i.Name, i.Tensor)));
            prepared.Add(Prepare(dict, sharded ? null : metadata, SafeTensorsHeader.MaxHeaderBytes));
        }

        Directory.CreateDirectory(folder);
        var written = new List<string>(names.Count + 1);
        for (int i = 0; i < prepared.Count; i++)
        {
            WritePrepared(Path.Combine(folder, names[i]), prepared[i].Items, prepared[i].Header);
            written.Add(names[i]);
        }
        if (sharded)
        {
            string index = IndexJson(shards, names, totalSize, metadata);
            byte[] indexBytes = new UTF8Encoding(false).GetBytes(index);
            AtomicFile.Write(Path.Combine(folder, ShardIndex.IndexNames[0]), stream => stream.Write(indexBytes));
            written.Add(ShardIndex.IndexNames[0]);
        }
        DeleteStaleShards(folder, written);
        return written;
    }

    /// <summary>Hugging Face's pattern of its own files (<c>model{suffix}.safetensors</c> and its index).</summary>
    private static readonly Regex OwnFiles = new(@"^model(-\d{5}-of-\d{5})?\.safetensors(\.index\.json)?$", RegexOptions.CultureInvariant);

    private static void DeleteStaleShards(string folder, List<string> written)
    {
        foreach (string file in Directory.EnumerateFiles(folder))
        {
            string name = Path.GetFileName(file);
            if (OwnFiles.IsMatch(name) && !written.Contains(name, StringComparer.Ordinal)) File.Delete(file);
        }
    }

    /// <summary>The index as Python's <c>json.dump(index, f, indent=2)</c> writes it (ASCII, <c>\uXXXX</c> escapes, no final newline).</summary>
    private static string IndexJson(List<List<SaveItem>> shards, List<string> names, long totalSize, IReadOnlyDictionary<string, string>? metadata)
    {
        var text = new StringBuilder();
        text.Append("{\n  \"metadata\": {\n    \"total_size\": ").Append(totalSize.ToString(CultureInfo.InvariantCulture));
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                text.Append(",\n    ");
                PythonJsonString(text, key);
                text.Append(": ");
                PythonJsonString(text, value);
            }
        }
        text.Append("\n  },\n  \"weight_map\": {");
        bool first = true;
        for (int i = 0; i < shards.Count; i++)
        {
            foreach (var item in shards[i])
            {
                text.Append(first ? "\n    " : ",\n    ");
                first = false;
                PythonJsonString(text, item.Name);
                text.Append(": ");
                PythonJsonString(text, names[i]);
            }
        }
        text.Append("\n  }\n}");
        return text.ToString();
    }

    /// <summary>A string as Python's <c>json</c> encodes it with <c>ensure_ascii=True</c>.</summary>
    private static void PythonJsonString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7E) text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }
}
