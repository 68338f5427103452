using TorchModel.Internal;
using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.Traversal;

public class NamedChildrenTests
{
    [Theory]
    [MemberData(nameof(TraversalGolden.ModelsWithPyTorchTree), MemberType = typeof(TraversalGolden))]
    public void NamedChildren_MatchesPyTorch(string model)
    {
        using var m = GoldenModels.Create(model);
        m.NamedChildren().Select(x => $"{x.Name}: {PythonNames.ClassName(x.Module)}")
            .ShouldBe(TraversalGolden.Of(model).GetProperty("named_children").Pairs());
        m.Children().ShouldBe(m.NamedChildren().Select(x => x.Module));
    }

    [Fact]
    public void ChildRegisteredTwice_IsYieldedOnce()
    {
        var relu = nn.ReLU();
        using var model = nn.Sequential(relu, nn.Linear(1, 1), relu);
        model.NamedChildren().Select(x => x.Name).ShouldBe(new[] { "0", "1" });
    }

    [Fact]
    public void StandaloneModuleList_HasItsEntriesAsChildren()
    {
        using var list = nn.ModuleList<Module>(nn.Linear(1, 1), nn.ReLU());
        list.NamedChildren().Select(x => x.Name).ShouldBe(new[] { "0", "1" });
    }
}
