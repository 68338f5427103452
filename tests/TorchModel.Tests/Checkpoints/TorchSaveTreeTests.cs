using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Checkpoints;

/// <summary>Whole torch.save object trees (issue #11 section 1): training dicts, Lightning, every allowed kind.</summary>
public class TorchSaveTreeTests
{
    [Theory]
    [InlineData("train_model.pt")]
    [InlineData("train_state_dict.pt")]
    [InlineData("train_model_state_dict.pt")]
    [InlineData("lightning.ckpt")]
    [InlineData("objects.pt")]
    public void Read_GivesPyTorchsTreeInOrder(string file)
    {
        using var tree = PyTorchCheckpoint.Read(CheckpointGolden.Fixture(file));
        CheckpointTreeGolden.ShouldMatch(tree.Root, CheckpointTreeGolden.Expected(file), file);
    }

    [Fact]
    public void TrainingDict_ValuesByKeyPath()
    {
        using var tree = PyTorchCheckpoint.Read(CheckpointGolden.Fixture("train_model.pt"));
        tree["epoch"].AsInt64().ShouldBe(3);
        tree["best_acc"].AsDouble().ShouldBe(0.91);
        tree["model"].IsStateDict.ShouldBeTrue();
        tree["optimizer"].IsStateDict.ShouldBeFalse();
        var state = tree["optimizer"]["state"];
        state.AsDict().Keys.Select(k => k.AsInt64()).ShouldBe([0L, 1, 2, 3, 4, 5]);
        tree.At("optimizer", "state", "0", "exp_avg").AsTensor().shape.ShouldBe([8L, 6]);
        state[0]["step"].AsTensor().item<float>().ShouldBe(2f);
        tree["optimizer"]["param_groups"][0]["params"].AsList().Select(v => v.AsInt64()).ShouldBe([0L, 1, 2, 3, 4, 5]);
        tree["optimizer"]["param_groups"][0]["betas"].IsTuple.ShouldBeTrue();
        tree["optimizer"]["param_groups"][-1]["lr"].AsDouble().ShouldBe(1e-3);
    }

    [Fact]
    public void Lightning_StateDictAndOptimizerStates()
    {
        using var tree = PyTorchCheckpoint.Read(CheckpointGolden.Fixture("lightning.ckpt"));
        tree["global_step"].AsInt64().ShouldBe(120);
        tree["pytorch-lightning_version"].AsString().ShouldBe("2.1.3");
        tree["optimizer_states"][0]["state"].Count.ShouldBe(6);
        tree["hyper_parameters"]["dropout"].IsNone.ShouldBeTrue();
        tree["hyper_parameters"]["layers"].AsSize().ShouldBe([10L, 20]);
        using var sd = PyTorchCheckpoint.Load(CheckpointGolden.Fixture("lightning.ckpt"), "state_dict");
        sd.Keys.First().ShouldBe("model.0.weight");
    }

    [Theory]
    [InlineData("train_model.pt", "model")]
    [InlineData("train_state_dict.pt", "state_dict")]
    [InlineData("train_model_state_dict.pt", "model_state_dict")]
    public void LoadWithKey_ReturnsTheNestedStateDict(string file, string key)
    {
        using var tree = PyTorchCheckpoint.Read(CheckpointGolden.Fixture(file));
        using var sd = PyTorchCheckpoint.Load(CheckpointGolden.Fixture(file), key);
        sd.Keys.ShouldBe(tree[key].AsDict().Keys.Select(k => k.AsString()).ToArray());
        foreach (var (name, tensor) in sd)
            tensor.SameAs(tree[key][name].AsTensor()).ShouldBeTrue(name);
    }

    [Theory]
    [InlineData("train_model.pt", "These entries are state_dicts: model; pass one as the key path, e.g. PyTorchCheckpoint.Load(path, \"model\").")]
    [InlineData("lightning.ckpt", "These entries are state_dicts: state_dict;")]
    [InlineData("objects.pt", "none of them is a state_dict")]
    public void LoadOfTrainingDict_SaysWhichKeysAreStateDicts(string file, string hint)
    {
        var ex = Should.Throw<CheckpointFormatException>(() => PyTorchCheckpoint.Load(CheckpointGolden.Fixture(file)));
        ex.Message.ShouldContain("not a state_dict (a dict of str to tensors)");
        ex.Message.ShouldContain(hint);
    }

    [Fact]
    public void MissingKey_ListsTheKeys()
    {
        var ex = Should.Throw<KeyNotFoundException>(() => PyTorchCheckpoint.Load(CheckpointGolden.Fixture("train_model.pt"), "net"));
        ex.Message.ShouldBe("The checkpoint has no 'net' at the top level; its keys are: 'model', 'optimizer', 'epoch', 'best_acc'.");
    }

    [Fact]
    public void CudaSavedCheckpoint_LoadsOnCpu()
    {
        using var state = PyTorchCheckpoint.Load(CheckpointGolden.Fixture("cuda_saved.pt"));
        CheckpointGolden.ShouldMatch(state, "cuda_saved.pt");
        using var tree = PyTorchCheckpoint.Read(CheckpointGolden.Fixture("cuda_saved.pt"), torch.CPU);
        tree["embed.weight"].AsTensor().device_type.ShouldBe(DeviceType.CPU);
    }

    [Fact]
    public void SharedStorages_AreSharedInTheTree()
    {
        using var tree = PyTorchCheckpoint.Read(CheckpointGolden.Fixture("objects.pt"));
        var shared = tree["shared"].AsList();
        shared[0].AsTensor()[3] = torch.tensor(100f);
        shared[1].AsTensor()[1].item<float>().ShouldBe(100f);
        shared[2].AsTensor()[1, 0].item<float>().ShouldBe(100f);
    }

    [Fact]
    public void IntAndFloatKeys_AreFoundAsPythonFindsThem()
    {
        using var tree = PyTorchCheckpoint.Read(CheckpointGolden.Fixture("objects.pt"));
        tree.Root[1].AsString().ShouldBe("int key");
        tree.At("1").AsString().ShouldBe("int key");
        tree["big"].AsBigInteger().ShouldBe(System.Numerics.BigInteger.Pow(2, 100));
        Should.Throw<InvalidOperationException>(() => tree["big"].AsInt64()).Message.ShouldBe("The checkpoint value is 1267650600228229401496703205376, not an int that fits in 64 bits.");
        tree["device"].AsDevice().ShouldBe("cuda:1");
        tree["dtype"].AsDType().ShouldBe(ScalarType.Float16);
    }

    [Fact]
    public void WrongKind_IsAnInvalidOperation()
    {
        using var tree = PyTorchCheckpoint.Read(CheckpointGolden.Fixture("train_model.pt"));
        Should.Throw<InvalidOperationException>(() => tree["epoch"].AsString()).Message.ShouldBe("The checkpoint value is 3, not a str.");
    }
}
