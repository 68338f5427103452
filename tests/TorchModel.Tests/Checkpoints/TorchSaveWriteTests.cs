using System.IO.Compression;
using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.Checkpoints;

/// <summary>torch.save files written from .NET (issue #11 section 2), read back here and by real PyTorch.</summary>
public class TorchSaveWriteTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tm-torchsave-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Fixtures re-written from .NET, and the twin model each loads into in Python ('-' for none).</summary>
    public static readonly (string Fixture, string Model)[] RoundTrips =
    [
        ("simple2.pt", "SimpleModel2"),
        ("tied.pt", "TiedLM"),
        ("batchnorm.pt", "BatchNorm"),
        ("views.pt", "-"),
        ("dtypes.pt", "-"),
        ("train_model.pt", "Net:model"),
        ("train_state_dict.pt", "Net:state_dict"),
        ("train_model_state_dict.pt", "Net:model_state_dict"),
        ("lightning.ckpt", "-"),
        ("objects.pt", "-"),
    ];

    [Fact]
    public void ReadThenSave_IsReadBackAsTheSameTree_HereAndByPyTorch()
    {
        var args = new List<string> { Golden.PathOf("check_torchsave.py") };
        string? exportFolder = Environment.GetEnvironmentVariable("TORCHMODEL_TORCHSAVE_EXPORT");
        foreach (var (fixture, model) in RoundTrips)
        {
            string path = Path.Combine(_folder, fixture);
            using (var tree = PyTorchCheckpoint.Read(CheckpointGolden.Fixture(fixture)))
                PyTorchCheckpoint.Save(tree.Root, path);
            using (var again = PyTorchCheckpoint.Read(path))
            {
                if (fixture.StartsWith("train_") || fixture is "lightning.ckpt" or "objects.pt")
                    CheckpointTreeGolden.ShouldMatch(again.Root, CheckpointTreeGolden.Expected(fixture), fixture);
            }
            if (!fixture.StartsWith("train_") && fixture is not ("lightning.ckpt" or "objects.pt"))
            {
                using var state = PyTorchCheckpoint.Load(path);
                CheckpointGolden.ShouldMatch(state, fixture);
            }
            if (!string.IsNullOrEmpty(exportFolder)) File.Copy(path, Path.Combine(exportFolder, fixture), overwrite: true);
            args.AddRange([path, CheckpointGolden.Fixture(fixture), model]);
        }
        if (!PythonTorch.IsAvailable) return;
        var (exitCode, output) = PythonTorch.Run([.. args]);
        exitCode.ShouldBe(0, output);
        output.Split('\n').Count(line => line.StartsWith("ok: ")).ShouldBe(RoundTrips.Length, output);
    }

    [Fact]
    public void TrainingDict_WithIntKeysListsAndNumbers_RoundTrips()
    {
        using var model = new TiedLM();
        using var weights = model.StateDict();
        var optimizerState = new Dictionary<string, object?>
        {
            ["state"] = new Dictionary<int, object?> { [0] = new Dictionary<string, object?> { ["step"] = 3L, ["momentum_buffer"] = torch.ones(2) } },
            ["param_groups"] = new List<object?> { new Dictionary<string, object?> { ["lr"] = 0.1, ["betas"] = (0.9, 0.999), ["params"] = new[] { 0, 1, 2 }, ["foreach"] = null } },
        };
        var checkpoint = new Dictionary<string, object?>
        {
            ["model"] = weights,
            ["optimizer"] = optimizerState,
            ["epoch"] = 3,
            ["best_acc"] = 0.91,
            ["name"] = "tied",
            ["big"] = System.Numerics.BigInteger.Pow(2, 80),
            ["blob"] = new byte[] { 0, 255, 7 },
            ["dtype"] = ScalarType.BFloat16,
        };
        string path = Path.Combine(_folder, "train.pt");
        PyTorchCheckpoint.Save(checkpoint, path);

        using var tree = PyTorchCheckpoint.Read(path);
        tree.Root.AsDict().Keys.Select(k => k.AsString()).ShouldBe(["model", "optimizer", "epoch", "best_acc", "name", "big", "blob", "dtype"]);
        tree["model"].IsStateDict.ShouldBeTrue();
        tree["model"]["embed.weight"].AsTensor().SameAs(weights["embed.weight"]).ShouldBeTrue();
        tree["optimizer"]["state"][0]["step"].AsInt64().ShouldBe(3);
        tree["optimizer"]["state"].AsDict()[0].Key.IsInt.ShouldBeTrue();
        tree["optimizer"]["param_groups"][0]["betas"].IsTuple.ShouldBeTrue();
        tree["optimizer"]["param_groups"][0]["params"].AsList().Select(v => v.AsInt64()).ShouldBe([0L, 1, 2]);
        tree["optimizer"]["param_groups"][0]["foreach"].IsNone.ShouldBeTrue();
        tree["best_acc"].AsDouble().ShouldBe(0.91);
        tree["big"].AsBigInteger().ShouldBe(System.Numerics.BigInteger.Pow(2, 80));
        tree["blob"].AsBytes().ToArray().ShouldBe([0, 255, 7]);
        tree["dtype"].AsDType().ShouldBe(ScalarType.BFloat16);
        // Tied weights share one storage record again.
        tree["model"]["embed.weight"].AsTensor()[0, 0] = torch.tensor(42f);
        tree["model"]["head.weight"].AsTensor()[0, 0].item<float>().ShouldBe(42f);
    }

    [Fact]
    public void Archive_FollowsPyTorchsLayout()
    {
        string path = Path.Combine(_folder, "my_model.pth");
        using var model = new SimpleModel2();
        model.SavePyTorch(path);
        using var zip = ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).ToArray();
        names.ShouldBe(["my_model/data.pkl", "my_model/.format_version", "my_model/.storage_alignment", "my_model/byteorder",
            "my_model/data/0", "my_model/data/1", "my_model/data/2", "my_model/data/3", "my_model/data/4", "my_model/data/5",
            "my_model/data/6", "my_model/data/7", "my_model/version", "my_model/.data/serialization_id"]);
        zip.Entries.ShouldAllBe(e => e.CompressedLength == e.Length);
        // .NET's zip reader checks each entry's CRC-32 when it is read to its end.
        foreach (var e in zip.Entries)
        {
            using var s = e.Open();
            s.CopyTo(Stream.Null);
        }
        // Every entry's data starts on a 64-byte boundary, as PyTorch's writer aligns it.
        var bytes = File.ReadAllBytes(path);
        foreach (var e in zip.Entries)
        {
            int at = IndexOf(bytes, System.Text.Encoding.UTF8.GetBytes(e.FullName)) ;
            int extra = BitConverter.ToUInt16(bytes, at - 2);
            ((at + e.FullName.Length + extra) % 64).ShouldBe(0, e.FullName);
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }

    [Fact]
    public void ModuleOneLiners_RoundTripIntoAFreshModel()
    {
        string path = Path.Combine(_folder, "tied.pt");
        using var source = new TiedLM();
        source.SavePyTorch(path);
        using var target = new TiedLM();
        var result = target.LoadPyTorch(path);
        result.MissingKeys.ShouldBeEmpty();
        using var a = source.StateDict();
        using var b = target.StateDict();
        foreach (var (name, t) in a) b[name].SameAs(t).ShouldBeTrue(name);
    }

    [Fact]
    public void LoadPyTorch_WithKey_LoadsTheTrainingDictsModel()
    {
        using var net = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3));
        net.LoadPyTorch(CheckpointGolden.Fixture("train_model.pt"), "model");
        using var tree = PyTorchCheckpoint.Read(CheckpointGolden.Fixture("train_model.pt"));
        using var state = net.StateDict();
        foreach (var (name, t) in state) t.SameAs(tree["model"][name].AsTensor()).ShouldBeTrue(name);
    }

    [Fact]
    public void LoadPyTorch_MismatchedModel_ThrowsAndLeavesTheModelUnchanged()
    {
        using var model = new SimpleModel2();
        using var before = model.StateDict();
        var copies = before.ToDictionary(e => e.Key, e => e.Value.clone());
        Should.Throw<StateDictLoadException>(() => model.LoadPyTorch(CheckpointGolden.Fixture("tied.pt")));
        using var after = model.StateDict();
        foreach (var (name, t) in after) t.SameAs(copies[name]).ShouldBeTrue(name);
    }

    [Fact]
    public void Save_RemovesTemporariesOfAKilledEarlierSave()
    {
        string path = Path.Combine(_folder, "model.pt");
        string stale = Path.Combine(_folder, ".model.pt.0123abcd.tmp");
        string unrelated = Path.Combine(_folder, ".other.pt.0123abcd.tmp");
        File.WriteAllText(stale, "left by a kill");
        File.WriteAllText(unrelated, "not ours");
        using var model = new TiedLM();
        model.SavePyTorch(path);
        File.Exists(stale).ShouldBeFalse();
        File.Exists(unrelated).ShouldBeTrue();
        Directory.GetFiles(_folder, ".model.pt.*").ShouldBeEmpty();
        model.SaveSafeTensors(Path.Combine(_folder, "model.safetensors"));
        Directory.GetFiles(_folder, ".model.safetensors.*").ShouldBeEmpty();
    }

    [Fact]
    public void FailedSave_LeavesTheOldFileAndNoTemporary()
    {
        string path = Path.Combine(_folder, "keep.pt");
        File.WriteAllText(path, "old");
        var bad = new Dictionary<string, object?> { ["x"] = new object() };
        Should.Throw<ArgumentException>(() => PyTorchCheckpoint.Save(bad, path)).Message.ShouldContain("cannot be written to a torch.save checkpoint");
        File.ReadAllText(path).ShouldBe("old");
        Directory.GetFiles(_folder).Length.ShouldBe(1);
    }

    [Fact]
    public void SelfContainingList_IsRefusedAtSave()
    {
        var list = new List<object?>();
        list.Add(list);
        Should.Throw<ArgumentException>(() => PyTorchCheckpoint.Save(list, Path.Combine(_folder, "loop.pt"))).Message.ShouldContain("contains itself");
    }

    [Fact]
    public void LoneSurrogate_IsRefusedAtSave()
        => Should.Throw<ArgumentException>(() => PyTorchCheckpoint.Save(new Dictionary<string, object?> { ["k\ud800"] = 1 }, Path.Combine(_folder, "s.pt")))
            .Message.ShouldContain("lone surrogate");

    [Fact]
    public void DeepNesting_IsWrittenAndReadWithoutRecursion()
    {
        object? value = 1;
        for (int i = 0; i < 10_000; i++) value = new List<object?> { value };
        string path = Path.Combine(_folder, "deep.pt");
        PyTorchCheckpoint.Save(value, path);
        using var tree = PyTorchCheckpoint.Read(path);
        var v = tree.Root;
        for (int i = 0; i < 10_000; i++) v = v[0];
        v.AsInt64().ShouldBe(1);
    }
}
