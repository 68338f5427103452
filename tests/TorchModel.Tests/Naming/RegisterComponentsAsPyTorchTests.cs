using TorchModel.Internal;
using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;
using TorchSharp.Modules;
using TorchSharp.Utils;

namespace TorchModel.Tests.Naming;

/// <summary>C#-idiomatic members registered under PyTorch names (compared with Golden/traversal.json and repr.json).</summary>
public sealed class RegisterComponentsAsPyTorchTests
{
    [Fact]
    public void IdiomaticSimpleModel_NamesAndShapesEqualPyTorch()
    {
        using var model = new Models.Idiomatic.SimpleModel2();
        var golden = Golden.Load("traversal.json").GetProperty("SimpleModel2").GetProperty("named_parameters");
        model.NamedParameters().Select(x => x.Name).ShouldBe(golden.Names());
        model.NamedParameters().Select(x => x.Parameter.shape).ShouldBe(golden.EnumerateArray().Select(e => e.GetProperty("shape").Longs()));
        model.Repr().ShouldBe(Golden.Load("repr.json").GetProperty("models").GetProperty("SimpleModel2").GetString());
    }

    [Fact]
    public void IdiomaticSimpleModel_LoadsStateDictKeyedByPyTorchNames()
    {
        // TorchSharp's own load_state_dict, with a dictionary keyed by PyTorch's names (the golden list).
        using var model = new Models.Idiomatic.SimpleModel2();
        var golden = Golden.Load("traversal.json").GetProperty("SimpleModel2").GetProperty("named_parameters");
        var source = new Dictionary<string, Tensor>();
        int i = 0;
        foreach (var entry in golden.EnumerateArray())
        {
            source[entry.GetProperty("name").GetString()!] = torch.full(entry.GetProperty("shape").Longs(), (double)++i);
        }
        var (missing, unexpected) = model.load_state_dict(source, strict: true);
        missing.ShouldBeEmpty();
        unexpected.ShouldBeEmpty();
        i = 0;
        foreach (var (name, p) in model.NamedParameters())
        {
            (name, p.mean().item<float>()).ShouldBe((name, (float)++i));
        }
    }

    [Fact]
    public void BaseClassMembers_RegisterFirst()
    {
        using var model = new Derived();
        model.NamedChildren().Select(x => x.Name).ShouldBe(new[] { "stem", "body", "head", "extra_head" });
    }

    [Fact]
    public void RegisteredInParent_RawFieldNamesAreNotAddedAgain()
    {
        using var parent = new Holder(("net", new Models.Idiomatic.SimpleModel2()));
        parent.NamedParameters().Select(x => x.Name).ShouldBe(new[]
        {
            "net.conv1.weight", "net.conv1.bias", "net.conv2.weight", "net.conv2.bias",
            "net.fc1.weight", "net.fc1.bias", "net.fc2.weight", "net.fc2.bias",
        });
    }

    [Fact]
    public void BaseClass_RegistersWhenAddedToParent()
    {
        using var parent = new Holder(("block", new Block()));
        parent.NamedParameters().Select(x => x.Name).ShouldBe(new[] { "block.scale", "block.proj_out.weight", "block.proj_out.bias" });
        parent.NamedBuffers().Select(x => x.Name).ShouldBe(new[] { "block.running_total" });
    }

    [Fact]
    public void TwoMembersMappingToOneName_ThrowsAndRegistersNothing()
    {
        using var model = new Clashing();
        var error = Should.Throw<InvalidOperationException>(() => model.RegisterComponentsAsPyTorch());
        error.Message.ShouldBe("Members '_conv1' and 'Conv1' of Clashing both map to the PyTorch name 'conv1'. Rename one, or give one [ComponentName(Name = \"...\")].");
        model.NamedParameters().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("_conv1", "conv1")]
    [InlineData("m_conv1", "conv1")]
    [InlineData("Conv1", "conv1")]
    [InlineData("conv1", "conv1")]
    [InlineData("FcOut", "fc_out")]
    [InlineData("fc_out", "fc_out")]
    [InlineData("_fcOut", "fc_out")]
    [InlineData("HTTPServer", "http_server")]
    [InlineData("Layer1Norm", "layer1_norm")]
    [InlineData("BN1", "bn1")]
    public void SnakeCase_MapsIdiomaticNames(string member, string expected) => MemberNames.SnakeCase(member).ShouldBe(expected);

    private class Base : Module
    {
        private readonly Linear _stem = nn.Linear(2, 2);

        protected Base() : base(nameof(Base)) { }
    }

    private sealed class Derived : Base
    {
        private readonly Linear m_body = nn.Linear(2, 2);

        public Linear Head { get; } = nn.Linear(2, 2);

        [ComponentName(Name = "extra_head")]
        public Linear Another { get; } = nn.Linear(2, 2);

        public Derived() => this.RegisterComponentsAsPyTorch();
    }

    private sealed class Clashing : Module
    {
        private readonly Conv2d _conv1 = nn.Conv2d(1, 1, 1);

        public Conv2d Conv1 { get; } = nn.Conv2d(1, 1, 1);

        public Clashing() : base(nameof(Clashing)) => _ = _conv1;
    }

    private sealed class Block : PyTorchModule<Tensor, Tensor>
    {
        private readonly Parameter _scale = new(torch.ones(2));
        private readonly Linear _projOut = nn.Linear(2, 2);
        private readonly Tensor _runningTotal = torch.zeros(1);

        public Block() : base(nameof(Block)) { }

        public override Tensor forward(Tensor x) => _projOut.forward(x * _scale) + _runningTotal;
    }
}
