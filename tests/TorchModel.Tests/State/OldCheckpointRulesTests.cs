using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.State;

/// <summary>PyTorch 2.x loading rules for old and odd checkpoints (issue #11 section 4).</summary>
public class OldCheckpointRulesTests
{
    private static Module BatchNormModel()
        => nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3), nn.BatchNorm1d(3));

    [Fact]
    public void BatchNormWithoutNumBatchesTracked_LoadsStrict_KeepingTheModulesCount()
    {
        using var model = BatchNormModel();
        using (var sd = model.StateDict())
        {
            sd["1.num_batches_tracked"].fill_(5);
        }
        using var old = PyTorchCheckpoint.Load(CheckpointGolden.Fixture("batchnorm_old.pt"));
        old.Keys.ShouldNotContain("1.num_batches_tracked");
        var result = model.LoadStateDict(old, strict: true);
        result.MissingKeys.ShouldBeEmpty();
        result.UnexpectedKeys.ShouldBeEmpty();
        using var after = model.StateDict();
        // PyTorch 2.x keeps the module's own value (1.13 wrote 0); a fresh module holds 0 either way.
        after["1.num_batches_tracked"].item<long>().ShouldBe(5);
        after["5.num_batches_tracked"].item<long>().ShouldBe(0);
        CheckpointGolden.ValuesShouldMatch(after["1.running_mean"], CheckpointGolden.Expected("batchnorm_old.pt").Single(e => e.GetProperty("name").GetString() == "1.running_mean").GetProperty("values"), "1.running_mean");
    }

    [Fact]
    public void BatchNormWithoutNumBatchesTracked_LoadsThroughTheModuleOneLiner()
    {
        using var model = BatchNormModel();
        model.LoadPyTorch(CheckpointGolden.Fixture("batchnorm_old.pt")).MissingKeys.ShouldBeEmpty();
    }

    [Fact]
    public void KeyExtendingAParameter_IsUnexpected_AsInPyTorch24()
    {
        using var model = nn.Sequential(nn.Linear(2, 2));
        using var sd = model.StateDict();
        using var extra = torch.zeros(1);
        var entries = sd.ToDictionary(e => e.Key, e => e.Value);
        entries["0.weight.bad_suffix"] = extra;
        var ex = Should.Throw<StateDictLoadException>(() => model.LoadStateDict(entries));
        ex.Message.ShouldContain("Unexpected key(s) in state_dict: \"0.weight.bad_suffix\".");
        model.LoadStateDict(entries, strict: false).UnexpectedKeys.ShouldBe(["0.weight.bad_suffix"]);
    }
}
