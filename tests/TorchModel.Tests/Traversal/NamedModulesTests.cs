using TorchModel.Internal;
using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.Traversal;

public class NamedModulesTests
{
    private static string[] Describe(IEnumerable<(string Name, Module Module)> modules)
        => modules.Select(x => $"{x.Name}: {PythonNames.ClassName(x.Module)}").ToArray();

    [Theory]
    [MemberData(nameof(TraversalGolden.ModelsWithPyTorchTree), MemberType = typeof(TraversalGolden))]
    public void NamedModules_MatchesPyTorch(string model)
    {
        using var m = GoldenModels.Create(model);
        var golden = TraversalGolden.Of(model);
        Describe(m.NamedModules()).ShouldBe(golden.GetProperty("named_modules").Pairs());
        Describe(m.NamedModules(removeDuplicate: false)).ShouldBe(golden.GetProperty("named_modules_all").Pairs());
        Describe(m.NamedModules(prefix: "model")).ShouldBe(golden.GetProperty("named_modules_prefix").Pairs());
        m.Modules().ShouldBe(m.NamedModules().Select(x => x.Module));
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("vgg11")]
    public void NamedModules_OfModulesOwningState_MatchPyTorch_WhereTorchVisionTreeDiffers(string model)
    {
        // TorchVision .NET's ResNet registers BasicBlock.relu1 after bn2 (torchvision: relu after bn1) and adds a
        // Flatten; parameter-free modules are where the trees differ, so compare the modules that own state.
        using var m = GoldenModels.Create(model);
        var golden = TraversalGolden.Of(model);
        var owners = golden.GetProperty("named_parameters").Names().Concat(golden.GetProperty("named_buffers").Names())
            .Select(n => n.Contains('.') ? n[..n.LastIndexOf('.')] : "").ToHashSet();
        var expected = golden.GetProperty("named_modules").Pairs().Where(p => owners.Contains(p[..p.IndexOf(':')])).ToArray();
        Describe(m.NamedModules()).Where(p => owners.Contains(p[..p.IndexOf(':')])).ToArray().ShouldBe(expected);
    }

    [Fact]
    public void SharedChild_IsYieldedOnceUnderFirstPath()
    {
        var shared = nn.Linear(2, 2);
        using var model = nn.Sequential(shared, shared);
        model.NamedModules().Select(x => x.Name).ShouldBe(new[] { "", "0" });
        model.NamedModules(removeDuplicate: false).Select(x => x.Name).ShouldBe(new[] { "", "0", "1" });
    }

    [Fact]
    public void TenThousandDeepChain_IsWalkedWithoutRecursion()
    {
        // Not disposed: TorchSharp's own Dispose of a deep Sequential chain is super-linear in depth.
        var model = GoldenModels.Deep(10_000);
        var names = model.NamedModules().Select(x => x.Name).ToList();
        names.Count.ShouldBe(10_001);
        names[^1].ShouldBe(string.Join(".", Enumerable.Repeat("0", 10_000)));
    }

    [Fact]
    public void ModuleListAddedAfterRegistration_ShowsCurrentEntries()
    {
        var list = nn.ModuleList<Module>(nn.Linear(1, 1));
        using var root = new Holder(("list", list));
        list.Add(nn.ReLU());
        root.NamedModules().Select(x => x.Name).ShouldBe(new[] { "", "list", "list.0", "list.1" });
    }

    [Fact]
    public void Prefix_NamesTheRoot()
    {
        using var model = nn.Sequential(nn.Linear(1, 1));
        model.NamedModules("net").Select(x => x.Name).ShouldBe(new[] { "net", "net.0" });
    }
}
