using TorchModel.Tests.Models;

namespace TorchModel.Tests.State;

[Collection("TorchGlobalState")]
public class LoadStateDictTests
{
    private static Dictionary<string, Tensor> Snapshot(Module model)
    {
        using var sd = model.StateDict();
        return sd.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
    }

    private static void ShouldBeBitForBitEqual(Module model, Dictionary<string, Tensor> snapshot)
    {
        using var sd = model.StateDict();
        sd.Keys.ShouldBe(snapshot.Keys);
        foreach (var (key, value) in sd)
        {
            var before = snapshot[key];
            value.dtype.ShouldBe(before.dtype, key);
            TensorMemory.SameBytes(value, before).ShouldBeTrue(key);
        }
    }

    [Theory]
    [InlineData("size")]
    [InlineData("unexpected")]
    [InlineData("missing")]
    [InlineData("null")]
    public void FailingLoad_LeavesEveryParameterAndBufferUnchanged(string corruption)
    {
        torch.manual_seed(1);
        using var model = GoldenModels.Create("resnet18");
        torch.manual_seed(2);
        using var other = GoldenModels.Create("resnet18");
        using (var train = torch.randn(2, 3, 64, 64)) using (var _ = ((nn.Module<Tensor, Tensor>)other).call(train)) { } // moves BatchNorm statistics
        var before = Snapshot(model);
        using var source = other.StateDict();
        var entries = source.ToList();
        int victim = entries.Count - 1; // the last key: every other entry would have been copied before it
        using var wrong = torch.zeros(3);
        switch (corruption)
        {
            case "size": entries[victim] = KeyValuePair.Create(entries[victim].Key, wrong); break;
            case "unexpected": entries.Add(KeyValuePair.Create("bogus.weight", wrong)); break;
            case "missing": entries.RemoveAt(victim); break;
            case "null": entries[victim] = KeyValuePair.Create(entries[victim].Key, (Tensor)null!); break;
        }
        var input = entries.ToDictionary(kv => kv.Key, kv => kv.Value);

        Should.Throw<StateDictLoadException>(() => model.LoadStateDict(input));

        ShouldBeBitForBitEqual(model, before);
        foreach (var t in before.Values) t.Dispose();
    }

    [Fact]
    public void NullValue_ReportsPyTorchsNotATensorError()
    {
        using var model = nn.Sequential(nn.Linear(1, 1));
        using var bias = torch.zeros(1);
        var ex = Should.Throw<StateDictLoadException>(() => model.LoadStateDict(new Dictionary<string, Tensor> { ["0.weight"] = null!, ["0.bias"] = bias }));
        ex.Message.ShouldBe("Error(s) in loading state_dict for Sequential:\n\tWhile copying the parameter named \"0.weight\", expected torch.Tensor or Tensor-like object from checkpoint but received <class 'NoneType'>");
    }

    [Fact]
    public void BroadcastableWrongShape_IsRejectedEvenWhenNotStrict()
    {
        using var model = nn.Sequential(nn.Linear(8, 64));
        using var sd = model.StateDict();
        using var one = torch.ones(1);
        var input = sd.ToDictionary(kv => kv.Key, kv => kv.Value);
        input["0.bias"] = one;
        var ex = Should.Throw<StateDictLoadException>(() => model.LoadStateDict(input, strict: false));
        ex.Errors.ShouldBe(new[] { "size mismatch for 0.bias: copying a param with shape torch.Size([1]) from checkpoint, the shape in current model is torch.Size([64])." });
        model.GetParameter("0.bias").eq(1f).all().item<bool>().ShouldBeFalse();
    }

    [Fact]
    public void Float64Checkpoint_LoadsIntoFloat32Model()
    {
        using var model = nn.Sequential(nn.Linear(3, 2));
        using var weight = torch.arange(6, dtype: ScalarType.Float64).reshape(2, 3);
        using var bias = torch.tensor(new[] { 0.5, -1.5 });
        model.LoadStateDict(new Dictionary<string, Tensor> { ["0.weight"] = weight, ["0.bias"] = bias }).AllKeysMatched.ShouldBeTrue();
        var w = model.GetParameter("0.weight");
        w.dtype.ShouldBe(ScalarType.Float32);
        w.requires_grad.ShouldBeTrue();
        w.data<float>().ToArray().ShouldBe(new[] { 0f, 1f, 2f, 3f, 4f, 5f });
        model.GetParameter("0.bias").data<float>().ToArray().ShouldBe(new[] { 0.5f, -1.5f });
    }

    [Theory]
    [InlineData("Frozen")]
    [InlineData("WithBuffers")]
    [InlineData("Containers")]
    [InlineData("resnet18")]
    public void RoundTrip_SaveThenLoad_MakesModelsEqual(string name)
    {
        torch.manual_seed(3);
        using var source = GoldenModels.Create(name);
        foreach (var p in source.parameters()) { using var _ = torch.no_grad(); p.uniform_(-1, 1); }
        foreach (var (_, b) in source.NamedBuffers()) { using var _ = torch.no_grad(); if (b.dtype == ScalarType.Int64) b.fill_(41); }
        using var target = GoldenModels.Create(name);
        using var saved = source.StateDict();
        target.LoadStateDict(saved).AllKeysMatched.ShouldBeTrue();
        using var loaded = target.StateDict();
        loaded.Keys.ShouldBe(saved.Keys);
        foreach (var (key, value) in loaded) TensorMemory.SameBytes(value, saved[key]).ShouldBeTrue(key);
    }

    [Fact]
    public void ScalarBuffer_AcceptsAOneElementVector_AsPyTorch()
    {
        using var model = nn.Sequential(nn.BatchNorm1d(2));
        using var sd = model.StateDict();
        using var steps = torch.tensor(new long[] { 9 });
        var input = sd.ToDictionary(kv => kv.Key, kv => kv.Value);
        input["0.num_batches_tracked"] = steps;
        model.LoadStateDict(input).AllKeysMatched.ShouldBeTrue();
        model.GetBuffer("0.num_batches_tracked").item<long>().ShouldBe(9L);
    }

    [Fact]
    public void NonPersistentBuffer_IsNeitherLoadedNorMissing_AndItsKeyIsUnexpected()
    {
        using var model = new WithBuffers();
        using var sd = model.StateDict();
        using var cache = torch.ones(2, 3);
        var input = sd.ToDictionary(kv => kv.Key, kv => kv.Value);
        input["cache"] = cache;
        var result = model.LoadStateDict(input, strict: false);
        result.ShouldBe(new IncompatibleKeys([], ["cache"]));
        model.GetBuffer("cache").sum().item<float>().ShouldBe(0f);
    }

    [Fact]
    public void Exception_ExposesTheLists()
    {
        using var model = nn.Sequential(nn.Linear(2, 2));
        using var zz = torch.zeros(1);
        var ex = Should.Throw<StateDictLoadException>(() => model.LoadStateDict(new Dictionary<string, Tensor> { ["zz"] = zz }));
        ex.MissingKeys.ShouldBe(new[] { "0.weight", "0.bias" });
        ex.UnexpectedKeys.ShouldBe(new[] { "zz" });
        ex.Errors.ShouldBeEmpty();
        ex.ShouldBeAssignableTo<InvalidOperationException>();
    }

    [Fact]
    public void ClassName_IsPyTorchs_WithoutGenericArity()
    {
        using var model = nn.ModuleList(nn.Linear(1, 1));
        var ex = Should.Throw<StateDictLoadException>(() => model.LoadStateDict(new Dictionary<string, Tensor>()));
        ex.Message.ShouldBe("Error(s) in loading state_dict for ModuleList:\n\tMissing key(s) in state_dict: \"0.weight\", \"0.bias\". ");
    }
}
