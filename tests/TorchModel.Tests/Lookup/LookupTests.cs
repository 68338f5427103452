using TorchModel.Internal;
using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.Lookup;

public class LookupTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (var model in TraversalGolden.AllModels().Select(m => (string)m[0]))
        {
            yield return new object[] { model };
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lookups_ReturnWhatPyTorchReturns_AndRaiseItsMessages(string model)
    {
        using var m = GoldenModels.Create(model);
        bool treeDiffers = GoldenModels.TreeDiffersFromPyTorch(model);
        var failures = new List<string>();
        foreach (var c in TraversalGolden.Of(model).GetProperty("lookups").EnumerateArray())
        {
            string kind = c.GetProperty("kind").GetString()!;
            string target = c.GetProperty("target").GetString()!;
            string expected = c.TryGetProperty("error", out var error) ? "error: " + error.GetString()
                : c.TryGetProperty("type", out var type) ? "module: " + type.GetString()
                : "tensor: " + string.Join(",", c.GetProperty("shape").Longs());
            if (treeDiffers && kind == "submodule" && !expected.StartsWith("tensor")) continue;
            string actual;
            try
            {
                actual = kind switch
                {
                    "submodule" => "module: " + PythonNames.ClassName(m.GetSubmodule(target)),
                    "parameter" => "tensor: " + string.Join(",", m.GetParameter(target).shape),
                    _ => "tensor: " + string.Join(",", m.GetBuffer(target).shape),
                };
            }
            catch (ModuleAttributeException e)
            {
                actual = "error: " + e.Message;
                e.Target.ShouldBe(target);
            }
            if (actual != expected) failures.Add($"{kind}({target}): expected [{expected}] got [{actual}]");
        }
        failures.ShouldBeEmpty();
    }

    [Fact]
    public void EmptyPath_IsTheRoot()
    {
        using var model = nn.Linear(1, 1);
        model.GetSubmodule("").ShouldBeSameAs(model);
    }

    [Theory]
    [InlineData("0.nope", "Linear has no attribute `nope`")]
    [InlineData("0.weight", "`weight` is not an nn.Module")]
    [InlineData("0.in_features", "`in_features` is not an nn.Module")]
    [InlineData("5", "Sequential has no attribute `5`")]
    public void BadSubmodulePath_RaisesPyTorchText(string target, string message)
    {
        using var model = nn.Sequential(nn.Linear(1, 1));
        Should.Throw<ModuleAttributeException>(() => model.GetSubmodule(target)).Message.ShouldBe(message);
    }

    [Fact]
    public void GenericContainerName_IsPrintedWithoutArity()
    {
        using var model = new Holder(("list", nn.ModuleList<Module>(nn.ReLU())));
        Should.Throw<ModuleAttributeException>(() => model.GetSubmodule("list.7")).Message.ShouldBe("ModuleList has no attribute `7`");
    }

    [Fact]
    public void NonPersistentBuffer_IsFound()
    {
        using var model = new WithBuffers();
        model.GetBuffer("cache").shape.ShouldBe(new long[] { 2, 3 });
    }

    [Fact]
    public void NativeModuleInnerParameter_IsFoundByItsPyTorchPath()
    {
        using var model = new Holder(("attn", nn.MultiheadAttention(8, 2)));
        model.GetParameter("attn.out_proj.weight").shape.ShouldBe(new long[] { 8, 8 });
    }
}
