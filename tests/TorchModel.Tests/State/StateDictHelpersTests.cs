namespace TorchModel.Tests.State;

public class StateDictHelpersTests
{
    [Fact]
    public void WithoutPrefix_StripsDataParallelPrefix_AndLoads()
    {
        using var model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2));
        using var saved = model.StateDict(prefix: "module.");
        using var stripped = saved.WithoutPrefix("module.");
        stripped.Keys.ShouldBe(model.StateDict().Keys);
        model.LoadStateDict(stripped).AllKeysMatched.ShouldBeTrue();
    }

    [Fact]
    public void WithoutPrefix_KeepsKeysWithoutIt()
    {
        using var t = torch.zeros(1);
        using var sd = new StateDict(new[] { KeyValuePair.Create("module.a", t), KeyValuePair.Create("b", t) });
        using var stripped = sd.WithoutPrefix("module.");
        stripped.Keys.ShouldBe(new[] { "b", "a" }); // PyTorch 2.x re-inserts each stripped key at the end
    }

    [Theory]
    [InlineData("ddp")]
    [InlineData("mixed")]
    [InlineData("collision_after")]
    [InlineData("collision_before")]
    [InlineData("double")]
    [InlineData("none")]
    [InlineData("empty_prefix")]
    public void WithoutPrefix_IsConsumePrefixOfPyTorch2(string name)
    {
        var golden = Infrastructure.Golden.Load("state_prefix.json").GetProperty(name);
        var keys = golden.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray();
        var tensors = keys.Select((_, i) => torch.tensor(i)).ToArray();
        using var sd = new StateDict(keys.Select((k, i) => KeyValuePair.Create(k, tensors[i])));
        using var stripped = sd.WithoutPrefix(golden.GetProperty("prefix").GetString()!);
        var expected = golden.GetProperty("result").EnumerateArray().Select(e => (e[0].GetString()!, e[1].GetInt32())).ToArray();
        stripped.Select(e => (e.Key, e.Value.item<int>())).ToArray().ShouldBe(expected);
        foreach (var t in tensors) t.Dispose();
    }

    [Fact]
    public void WithPrefix_PrependsVerbatim()
    {
        using var model = nn.Sequential(nn.Linear(2, 2));
        using var sd = model.StateDict();
        using var prefixed = sd.WithPrefix("encoder.");
        prefixed.Keys.ShouldBe(new[] { "encoder.0.weight", "encoder.0.bias" });
    }

    [Fact]
    public void Helpers_CollidingKeys_AreAnErrorNamingBoth()
    {
        using var t = torch.zeros(1);
        using var sd = new StateDict(new[] { KeyValuePair.Create("module.w", t), KeyValuePair.Create("w", t) });
        var ex = Should.Throw<ArgumentException>(() => sd.RenameKeys(k => k.Replace("module.", "")));
        ex.Message.ShouldContain("\"module.w\"");
        ex.Message.ShouldContain("\"w\"");
        Should.Throw<ArgumentException>(() => sd.RenameKeys(_ => "same")).ParamName.ShouldBe("rename");
        Should.Throw<ArgumentException>(() => sd.RenameKeys(_ => null!)).ParamName.ShouldBe("rename");
    }

    [Fact]
    public void RenameKeys_MapsEveryKeyInOrder_SharingTensors()
    {
        using var model = nn.Sequential(nn.Linear(2, 2));
        using var sd = model.StateDict();
        using var renamed = sd.RenameKeys(k => k.Replace("0.", "fc."));
        renamed.Keys.ShouldBe(new[] { "fc.weight", "fc.bias" });
        TensorMemory.SameMemory(renamed["fc.weight"], model.GetParameter("0.weight")).ShouldBeTrue();
    }

    [Fact]
    public void DerivedStateDict_IsDisposedIndependently()
    {
        using var model = nn.Sequential(nn.Linear(2, 2));
        using var sd = model.StateDict();
        var derived = sd.WithPrefix("x.");
        var derivedView = derived["x.0.weight"];
        derived.Dispose();
        derivedView.IsInvalid.ShouldBeTrue();
        sd["0.weight"].IsInvalid.ShouldBeFalse();
        sd["0.weight"].sum().item<float>().ShouldBe(model.GetParameter("0.weight").sum().item<float>());
    }

    [Fact]
    public void DerivedFromKeepVars_StillHoldsTheModelsObjects()
    {
        using var model = nn.Sequential(nn.Linear(2, 2));
        var kept = model.StateDict(keepVars: true);
        var derived = kept.WithPrefix("x.");
        derived["x.0.weight"].ShouldBeSameAs(model.GetParameter("0.weight"));
        derived.Dispose();
        kept.Dispose();
        model.GetParameter("0.weight").IsInvalid.ShouldBeFalse();
    }
}
