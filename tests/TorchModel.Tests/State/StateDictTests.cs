using TorchModel.Tests.Models;

namespace TorchModel.Tests.State;

public class StateDictTests
{
    [Fact]
    public void Values_ShareStorageWithTheModel()
    {
        using var model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2));
        using var sd = model.StateDict();
        sd["0.weight"].fill_(7.0f);
        sd["1.running_mean"].fill_(5.0f);
        model.GetParameter("0.weight").eq(7.0f).all().item<bool>().ShouldBeTrue();
        model.GetBuffer("1.running_mean").eq(5.0f).all().item<bool>().ShouldBeTrue();
        foreach (var (key, value) in sd)
        {
            var own = key.EndsWith("weight") || key.EndsWith("bias") ? (Tensor)model.GetParameter(key) : model.GetBuffer(key);
            TensorMemory.SameMemory(value, own).ShouldBeTrue(key);
        }
    }

    [Fact]
    public void Values_AreDetachedViewsNotTheModelsObjects()
    {
        using var model = new MyModel();
        using var sd = model.StateDict();
        sd["weight"].ShouldNotBeSameAs(model.GetParameter("weight"));
        sd["weight"].requires_grad.ShouldBeFalse();
        sd["weight"].ShouldNotBeAssignableTo<Parameter>();
    }

    [Theory]
    [InlineData("Frozen")]
    [InlineData("WithBuffers")]
    [InlineData("SharedModules")]
    [InlineData("TiedLM")]
    public void KeepVars_ReturnsTheModelsOwnParameterAndBufferObjects(string name)
    {
        using var model = GoldenModels.Create(name);
        using var sd = model.StateDict(keepVars: true);
        foreach (var (key, value) in sd)
        {
            Tensor own = value is Parameter ? model.GetParameter(key) : model.GetBuffer(key);
            value.ShouldBeSameAs(own, key);
        }
    }

    [Fact]
    public void Dispose_ReleasesDetachedViewsButNotTheModelsTensors()
    {
        using var model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2));
        var sd = model.StateDict();
        var view = sd["0.weight"];
        sd.Dispose();
        view.IsInvalid.ShouldBeTrue();
        model.GetParameter("0.weight").IsInvalid.ShouldBeFalse();
        model.GetBuffer("1.running_var").sum().item<float>().ShouldBe(2f);
        Should.Throw<ObjectDisposedException>(() => sd["0.weight"]);
        sd.Dispose();
    }

    [Fact]
    public void Dispose_WithKeepVars_LeavesEveryModelTensorUsable()
    {
        using var model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2));
        var sd = model.StateDict(keepVars: true);
        var weight = sd["0.weight"];
        sd.Dispose();
        weight.IsInvalid.ShouldBeFalse();
        model.parameters().All(p => !p.IsInvalid).ShouldBeTrue();
    }

    [Theory]
    [InlineData("", "0.weight")]
    [InlineData("model.", "model.0.weight")]
    [InlineData("m", "m0.weight")]
    public void Prefix_IsPrependedVerbatim(string prefix, string firstKey)
    {
        using var model = nn.Sequential(nn.Linear(1, 1));
        using var sd = model.StateDict(prefix);
        sd.Keys[0].ShouldBe(firstKey);
    }

    [Fact]
    public void SharedModuleAndTiedWeights_AppearUnderEveryPath()
    {
        var shared = nn.Linear(2, 2);
        using var model = nn.Sequential(shared, nn.ReLU(), shared);
        using var sd = model.StateDict();
        sd.Keys.ShouldBe(new[] { "0.weight", "0.bias", "2.weight", "2.bias" });
        TensorMemory.SameMemory(sd["0.weight"], sd["2.weight"]).ShouldBeTrue();
    }

    [Fact]
    public void BuffersInterleaveWithParametersPerModule_UnlikeTorchSharp()
    {
        using var model = nn.Sequential(nn.BatchNorm1d(2), nn.Linear(2, 2));
        using var sd = model.StateDict();
        sd.Keys.ShouldBe(new[] { "0.weight", "0.bias", "0.running_mean", "0.running_var", "0.num_batches_tracked", "1.weight", "1.bias" });
        model.state_dict().Keys.ToArray().ShouldNotBe(sd.Keys.ToArray());
    }

    [Fact]
    public void DeepModel_DoesNotOverflowTheStack()
    {
        var model = GoldenModels.Deep(3000); // not disposed: TorchSharp's Dispose of a deep Sequential is super-linear
        using var sd = model.StateDict();
        sd.Count.ShouldBe(2);
        sd.Keys[0].ShouldBe(string.Join(".", Enumerable.Repeat("0", 3000)) + ".weight");
        model.LoadStateDict(sd).ToString().ShouldBe("<All keys matched successfully>");
    }

    [Fact]
    public void Indexer_UnknownKey_ThrowsKeyNotFoundNamingIt()
    {
        using var model = nn.Sequential(nn.Linear(1, 1));
        using var sd = model.StateDict();
        Should.Throw<KeyNotFoundException>(() => sd["0.wieght"]).Message.ShouldContain("\"0.wieght\"");
        sd.TryGetValue("0.wieght", out _).ShouldBeFalse();
        sd.ContainsKey("0.bias").ShouldBeTrue();
    }

    [Fact]
    public void Constructor_DuplicateKey_IsRejected()
    {
        using var t = torch.zeros(1);
        Should.Throw<ArgumentException>(() => new StateDict(new[] { KeyValuePair.Create("a", t), KeyValuePair.Create("a", t) }))
            .Message.ShouldContain("\"a\"");
    }

    [Fact]
    public void Constructor_DoesNotTakeOwnership()
    {
        using var t = torch.ones(2);
        var sd = new StateDict(new[] { KeyValuePair.Create("w", t) });
        sd.Dispose();
        t.IsInvalid.ShouldBeFalse();
    }
}
