using TorchModel.Tests.Models;
using static TorchSharp.torch.nn;

namespace TorchModel.Tests.Repr;

/// <summary>Repr's structural rules that need no layer table: shared modules, cycles, depth, custom extra text.</summary>
public sealed class ReprStructureTests
{
    [Fact]
    public void SharedModule_PrintsUnderEveryKey()
    {
        var relu = ReLU();
        using var model = new Holder(("a", relu), ("b", relu));
        model.Repr().ShouldBe("Holder(\n  (a): ReLU()\n  (b): ReLU()\n)");
    }

    [Fact]
    public void DeepModel_DoesNotOverflowTheStack()
    {
        var model = GoldenModels.Deep(3000); // not disposed: TorchSharp's Dispose of deep Sequentials is super-linear
        var text = model.Repr();
        text.ShouldStartWith("Sequential(\n  (0): Sequential(\n    (0): Sequential(");
        text.ShouldContain(new string(' ', 6000) + "(0): Linear(in_features=2, out_features=2, bias=True)");
    }

    [Fact]
    public void ModuleInsideItself_Throws()
    {
        var list = ModuleList<Module>();
        list.Add(list);
        Should.Throw<InvalidOperationException>(() => list.Repr()).Message.ShouldContain("cycle");
    }

    [Fact]
    public void CustomExtraRepr_OneLineWithoutChildren()
    {
        using var module = new OneLine();
        module.Repr().ShouldBe("OneLine(alpha=1)");
        module.ExtraRepr().ShouldBe("alpha=1");
    }

    private sealed class OneLine : Module, IExtraRepr
    {
        public OneLine() : base(nameof(OneLine)) { }

        public string ExtraRepr() => "alpha=1";
    }
}
