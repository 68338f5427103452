using System.Text.Json;
using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Checkpoints;

/// <summary>Hugging Face sharded checkpoints: fixtures written by Golden/gen_sharded.py (real PyTorch, Hugging Face's
/// documented splitting and index format), and indexes that lie.</summary>
public class ShardedCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tm-sharded-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static JsonElement Golden => Infrastructure.Golden.Load("sharded.json");

    private static string FixtureFolder(string kind) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "sharded", kind);

    /// <summary>Mirrors gen_sharded.model().</summary>
    private static Module Model()
        => nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3), nn.BatchNorm1d(3));

    private static void ShouldHoldGolden(IReadOnlyDictionary<string, Tensor> state)
    {
        foreach (var e in Golden.GetProperty("state").EnumerateArray())
        {
            string name = e.GetProperty("name").GetString()!;
            var t = state[name];
            t.dtype.ShouldBe(CheckpointGolden.DType(e.GetProperty("dtype").GetString()!), name);
            t.shape.ShouldBe(e.GetProperty("shape").Longs(), name);
            CheckpointGolden.ValuesShouldMatch(t, e.GetProperty("values"), name);
        }
    }

    private static string[] StateOrder => Golden.GetProperty("state").Names();

    /// <summary>A copy of a fixture folder the test may damage.</summary>
    private string CopyOf(string kind)
    {
        string target = Path.Combine(_folder, kind);
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(FixtureFolder(kind))) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    [Theory]
    [InlineData("safetensors", "model.safetensors.index.json")]
    [InlineData("pytorch", "pytorch_model.bin.index.json")]
    public void Load_FolderOrIndex_GivesEveryTensorInIndexOrder(string kind, string index)
    {
        foreach (string path in new[] { FixtureFolder(kind), Path.Combine(FixtureFolder(kind), index) })
        {
            using var state = ShardedCheckpoint.Load(path);
            state.Count.ShouldBe(StateOrder.Length);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureFolder(kind), index)));
            state.Keys.ShouldBe(doc.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Name).ToArray());
            ShouldHoldGolden(state);
        }
    }

    [Theory]
    [InlineData("safetensors")]
    [InlineData("pytorch")]
    public void LoadShardedCheckpoint_PutsPyTorchsValuesIntoTheModel(string kind)
    {
        using var model = Model();
        model.LoadShardedCheckpoint(FixtureFolder(kind)).AllKeysMatched.ShouldBeTrue();
        using var state = model.StateDict();
        state.Keys.ShouldBe(StateOrder);
        ShouldHoldGolden(state);
    }

    [Fact]
    public void SaveSharded_WritesHuggingFacesFileNamesAndIndex()
    {
        using var model = Model();
        model.LoadShardedCheckpoint(FixtureFolder("safetensors"));
        var files = model.SaveShardedSafeTensors(_folder, Golden.GetProperty("max_shard_size").GetInt64());

        var expectedShards = Golden.GetProperty("safetensors_files").EnumerateArray().Select(e => e.GetString()!).ToArray();
        files.ShouldBe([.. expectedShards, "model.safetensors.index.json"]);
        File.ReadAllText(Path.Combine(_folder, "model.safetensors.index.json")).ShouldBe(Golden.GetProperty("index_text").GetString());
        foreach (string shard in expectedShards)
        {
            using var written = SafeTensors.Load(Path.Combine(_folder, shard));
            using var python = SafeTensors.Load(Path.Combine(FixtureFolder("safetensors"), shard));
            written.Keys.ShouldBe(python.Keys, shard);
            SafeTensors.ReadMetadata(Path.Combine(_folder, shard)).ShouldBe(new Dictionary<string, string> { ["format"] = "pt" });
        }
        using var reloaded = Model();
        reloaded.LoadShardedCheckpoint(_folder);
        using var state = reloaded.StateDict();
        ShouldHoldGolden(state);
    }

    [Fact]
    public void SaveSharded_EverythingInOneShard_WritesModelSafetensorsWithTheMetadataAndNoIndex()
    {
        using var model = Model();
        var files = model.SaveShardedSafeTensors(_folder, metadata: new Dictionary<string, string> { ["note"] = "x" });
        files.ShouldBe(["model.safetensors"]);
        File.Exists(Path.Combine(_folder, "model.safetensors.index.json")).ShouldBeFalse();
        SafeTensors.ReadMetadata(Path.Combine(_folder, "model.safetensors"))["note"].ShouldBe("x");
    }

    [Fact]
    public void SaveSharded_AgainWithFewerShards_RemovesTheEarlierSavesFiles()
    {
        using var model = Model();
        model.SaveShardedSafeTensors(_folder, 1_000); // one file: model.safetensors
        model.SaveShardedSafeTensors(_folder, 64);    // four shards
        File.WriteAllText(Path.Combine(_folder, "config.json"), "{}");
        model.SaveShardedSafeTensors(_folder, 200);   // two shards
        Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(
            ["config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"]);
    }

    [Fact]
    public void SaveSharded_MetadataGoesToTheIndex()
    {
        using var model = Model();
        model.SaveShardedSafeTensors(_folder, 64, new Dictionary<string, string> { ["note"] = "caf\u00e9" });
        string index = File.ReadAllText(Path.Combine(_folder, "model.safetensors.index.json"));
        index.ShouldStartWith("{\n  \"metadata\": {\n    \"total_size\": 284,\n    \"note\": \"caf\\u00e9\"\n  },");
    }

    [Fact]
    public void LoadShardedCheckpoint_SizeMismatch_NamesKeyAndShard_ModelUnchanged()
    {
        using var model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 4), nn.BatchNorm1d(3));
        using var before = model.StateDict();
        var copies = before.ToDictionary(e => e.Key, e => e.Value.clone());
        var error = Should.Throw<StateDictLoadException>(() => model.LoadShardedCheckpoint(FixtureFolder("safetensors")));
        error.Message.ShouldContain("size mismatch for 4.weight");
        error.Message.ShouldContain("\"4.weight\" in model-00002-of-00004.safetensors");
        using var after = model.StateDict();
        foreach (var (key, value) in copies) after[key].Equals(value).ShouldBeTrue(key);
    }

    public static TheoryData<string, Action<string>, string> LyingIndexes => new()
    {
        { "missing shard", f => File.Delete(Path.Combine(f, "model-00003-of-00004.safetensors")), "shard 'model-00003-of-00004.safetensors' (holding tensor '0.bias') does not exist" },
        { "key in two shards", f => RewriteMap(f, m => m["extra"] = "model-00001-of-00004.safetensors", extraTensorIn: ("model-00002-of-00004.safetensors", "extra")), "holds tensor 'extra', which the index assigns to shard 'model-00001-of-00004.safetensors'" },
        { "key the shard lacks", f => RewriteMap(f, m => m["ghost"] = "model-00004-of-00004.safetensors"), "shard 'model-00004-of-00004.safetensors' has no tensor 'ghost'" },
        { "shard holds unlisted key", f => RewriteMap(f, m => m.Remove("5.bias")), "holds tensor '5.bias', which the index does not list" },
        { "parent folder", f => RewriteMap(f, m => m["0.weight"] = "../outside.safetensors"), "'../outside.safetensors', which is not a plain file name" },
        { "absolute path", f => RewriteMap(f, m => m["0.weight"] = Path.Combine(Path.GetDirectoryName(f)!, "outside.safetensors")), "which is not a plain file name" },
        { "subfolder", f => RewriteMap(f, m => m["0.weight"] = "sub/model-00001-of-00004.safetensors"), "which is not a plain file name" },
        { "duplicate key", f => File.WriteAllText(Index(f), "{\"weight_map\": {\"a\": \"model-00001-of-00004.safetensors\", \"a\": \"model-00001-of-00004.safetensors\"}}"), "names tensor 'a' more than once" },
        { "no weight_map", f => File.WriteAllText(Index(f), "{\"metadata\": {\"total_size\": 3}}"), "has no \"weight_map\"" },
        { "not JSON", f => File.WriteAllText(Index(f), "{\"weight_map\": "), "not valid JSON" },
        { "shard not a string", f => File.WriteAllText(Index(f), "{\"weight_map\": {\"a\": 3}}"), "the shard of tensor 'a' is not a string" },
        { "mixed formats", f => RewriteMap(f, m => m["0.weight"] = "pytorch_model.bin"), "mixes safetensors shards" },
        { "total_size not a number", f => File.WriteAllText(Index(f), "{\"metadata\": {\"total_size\": \"big\"}, \"weight_map\": {}}"), "\"total_size\" is not a non-negative number" },
        { "shard is JSON", f => File.WriteAllText(Path.Combine(f, "model-00001-of-00004.safetensors"), "{\"a\": 1}"), "is a JSON text file" },
    };

    [Theory]
    [MemberData(nameof(LyingIndexes))]
    public void LyingIndex_IsRefusedBeforeAnythingIsWritten(string lie, Action<string> damage, string message)
    {
        string folder = CopyOf("safetensors");
        File.Copy(Path.Combine(folder, "model-00001-of-00004.safetensors"), Path.Combine(_folder, "outside.safetensors"));
        damage(folder);
        using var model = Model();
        using var before = model.StateDict();
        var copies = before.ToDictionary(e => e.Key, e => e.Value.clone());

        var load = Should.Throw<CheckpointFormatException>(() => ShardedCheckpoint.Load(folder).Dispose(), lie);
        load.Message.ShouldContain(message, Case.Sensitive, lie);
        var into = Should.Throw<CheckpointFormatException>(() => model.LoadShardedCheckpoint(folder), lie);
        into.Message.ShouldBe(load.Message);
        using var after = model.StateDict();
        foreach (var (key, value) in copies) after[key].Equals(value).ShouldBeTrue($"{lie}: {key}");
    }

    [Fact]
    public void FolderWithoutIndex_IsFileNotFound_NamingTheIndexNames()
    {
        var error = Should.Throw<FileNotFoundException>(() => ShardedCheckpoint.Load(_folder));
        error.Message.ShouldContain("model.safetensors.index.json");
    }

    [Fact]
    public void IndexPassedAsSafeTensorsFile_SaysItIsJson()
    {
        string index = Path.Combine(FixtureFolder("safetensors"), "model.safetensors.index.json");
        Should.Throw<CheckpointFormatException>(() => SafeTensors.Load(index).Dispose()).Message.ShouldContain("JSON text file");
        using var model = Model();
        Should.Throw<CheckpointFormatException>(() => model.LoadSafeTensors(index)).Message.ShouldContain("LoadShardedCheckpoint");
    }

    private static string Index(string folder) => Path.Combine(folder, "model.safetensors.index.json");

    /// <summary>Rewrites the index's weight_map; optionally adds a tensor to one shard's file (written as real safetensors).</summary>
    private static void RewriteMap(string folder, Action<Dictionary<string, string>> change, (string Shard, string Name)? extraTensorIn = null)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Index(folder)));
        var map = doc.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        change(map);
        File.WriteAllText(Index(folder), JsonSerializer.Serialize(new { metadata = new { total_size = 284 }, weight_map = map }));
        if (extraTensorIn is var (shard, name))
        {
            string path = Path.Combine(folder, shard);
            using var existing = SafeTensors.Load(path);
            var tensors = existing.ToDictionary(e => e.Key, e => e.Value);
            using var extra = ones(2);
            tensors[name] = extra;
            SafeTensors.Save(tensors, path);
            // The shard the index names for it holds it too.
            string other = map[name];
            string otherPath = Path.Combine(folder, other);
            using var second = SafeTensors.Load(otherPath);
            var more = second.ToDictionary(e => e.Key, e => e.Value);
            more[name] = extra;
            SafeTensors.Save(more, otherPath);
        }
    }
}
