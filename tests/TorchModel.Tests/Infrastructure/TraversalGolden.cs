using System.Text.Json;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.Infrastructure;

/// <summary>Access to traversal.json, one entry per model of Golden/models.py.</summary>
public static class TraversalGolden
{
    public static JsonElement Of(string model) => Golden.Load("traversal.json").GetProperty(model);

    public static IEnumerable<object[]> AllModels()
        => Golden.Entries("traversal.json").Select(p => new object[] { p.Name });

    public static IEnumerable<object[]> ModelsWithPyTorchTree()
        => AllModels().Where(m => !GoldenModels.TreeDiffersFromPyTorch((string)m[0]));

    public static string[] Pairs(this JsonElement list)
        => list.EnumerateArray().Select(e => $"{e.GetProperty("name").GetString()}: {e.GetProperty("type").GetString()}").ToArray();

    public static string[] ShapedNames(this JsonElement list)
        => list.EnumerateArray().Select(e => $"{e.GetProperty("name").GetString()} {string.Join(",", e.GetProperty("shape").Longs())}").ToArray();
}
