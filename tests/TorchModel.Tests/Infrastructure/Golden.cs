using System.Text.Json;

namespace TorchModel.Tests.Infrastructure;

/// <summary>Reads the committed golden files written by Golden/generate.py from real PyTorch.</summary>
public static class Golden
{
    private static readonly Dictionary<string, JsonDocument> Cache = new();

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Golden", file);

    public static JsonElement Load(string file)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(file, out var doc))
            {
                doc = JsonDocument.Parse(File.ReadAllText(PathOf(file)));
                Cache[file] = doc;
            }
            return doc.RootElement;
        }
    }

    /// <summary>The key under which generate.py records where a golden file comes from (generator, torch and
    /// torchvision versions, the PyTorch 2.x behaviours emulated); not a golden entry.</summary>
    public const string ProvenanceKey = "_provenance";

    /// <summary>The golden entries of a file: its top-level properties except <see cref="ProvenanceKey"/>.</summary>
    public static IEnumerable<JsonProperty> Entries(string file)
        => Load(file).EnumerateObject().Where(static p => p.Name != ProvenanceKey);

    public static string[] Names(this JsonElement list, string property = "name")
        => list.EnumerateArray().Select(e => e.GetProperty(property).GetString()!).ToArray();

    public static long[] Longs(this JsonElement list) => list.EnumerateArray().Select(e => e.GetInt64()).ToArray();
}
