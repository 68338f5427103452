using System.Text.Json;
using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Conventions;

/// <summary>Every golden file says where it comes from: the generator that wrote it, the torch and torchvision it ran
/// on, and the PyTorch 2.x behaviours it emulates (generate.py writes this; these tests read the committed files).</summary>
public class GoldenProvenanceTests
{
    private static readonly string GoldenFolder = RepositoryPaths.Of("tests", "TorchModel.Tests", "Golden");

    /// <summary>Each golden JSON file (its own "_provenance"), and each folder of other generated files (its _provenance.json).</summary>
    public static TheoryData<string> Records()
    {
        var data = new TheoryData<string>();
        foreach (var json in Directory.GetFiles(GoldenFolder, "*.json").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(json));
        data.Add("seed_tour/_provenance.json");
        data.Add("../Fixtures/checkpoints/_provenance.json");
        return data;
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void GoldenFile_RecordsGeneratorVersionsAndEmulated2xBehaviours(string file)
    {
        string path = Path.GetFullPath(Path.Combine(GoldenFolder, file));
        File.Exists(path).ShouldBeTrue(path);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var record = Path.GetFileName(path) == "_provenance.json" ? doc.RootElement : doc.RootElement.GetProperty(Golden.ProvenanceKey);

        string generator = record.GetProperty("generator").GetString()!;
        generator.ShouldMatch(@"^tests/TorchModel\.Tests/Golden/gen_\w+\.py$");
        File.Exists(RepositoryPaths.Of(generator.Split('/'))).ShouldBeTrue(generator);
        record.GetProperty("torch").GetString().ShouldNotBeNullOrWhiteSpace();
        record.GetProperty("torchvision").GetString().ShouldNotBeNullOrWhiteSpace();
        record.GetProperty("emulates_2x").ValueKind.ShouldBe(JsonValueKind.Array);

        var files = record.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        files.ShouldNotBeEmpty();
        foreach (var written in files) File.Exists(Path.Combine(GoldenFolder, written)).ShouldBeTrue($"{file} lists {written}");
        string folder = Path.GetDirectoryName(path)!;
        if (Path.GetFileName(path) == "_provenance.json")
        {
            // Every generated file in the folder is accounted for.
            foreach (var other in Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != "_provenance.json"))
                files.ShouldContain(Path.GetRelativePath(GoldenFolder, other).Replace('\\', '/'));
        }
        else
        {
            files.ShouldContain(file);
        }
    }
}
