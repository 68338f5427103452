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

    public static string[] Names(this JsonElement list, string property = "name")
        => list.EnumerateArray().Select(e => e.GetProperty(property).GetString()!).ToArray();

    public static long[] Longs(this JsonElement list) => list.EnumerateArray().Select(e => e.GetInt64()).ToArray();
}
