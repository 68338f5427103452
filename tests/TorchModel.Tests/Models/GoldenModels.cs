using TorchSharp.Modules;

namespace TorchModel.Tests.Models;

// C# mirrors of tests/TorchModel.Tests/Golden/models.py, line by line: same class names, same
// registration order. Registration is explicit (register_*), as Python's attribute assignments are.

public sealed class MyModel : nn.Module
{
    public MyModel() : base(nameof(MyModel))
    {
        register_parameter("weight", new Parameter(torch.randn(2, 2)));
        register_parameter("bias", new Parameter(torch.zeros(2)));
    }
}

public sealed class SimpleModel1 : nn.Module
{
    public SimpleModel1() : base(nameof(SimpleModel1))
    {
        register_module("conv1", nn.Conv2d(1, 10, kernel_size: 5));
        register_module("fc1", nn.Linear(320, 50));
    }
}

public sealed class SimpleModel2 : nn.Module
{
    public SimpleModel2() : base(nameof(SimpleModel2))
    {
        register_module("conv1", nn.Conv2d(1, 10, kernel_size: 5));
        register_module("conv2", nn.Conv2d(10, 20, kernel_size: 5));
        register_module("fc1", nn.Linear(320, 50));
        register_module("fc2", nn.Linear(50, 10));
    }
}

public sealed class Block : nn.Module
{
    public Block(Module shared) : base(nameof(Block))
    {
        register_module("norm", nn.LayerNorm(4));
        register_module("fc", shared);
    }
}

public sealed class SharedModules : nn.Module
{
    public SharedModules() : base(nameof(SharedModules))
    {
        var shared = nn.Linear(4, 4);
        register_module("block1", new Block(shared));
        register_module("block2", new Block(shared));
        register_module("direct", shared);
        var relu = nn.ReLU();
        register_module("twice", nn.Sequential(relu, nn.Linear(4, 2), relu));
    }
}

public sealed class TiedLM : nn.Module
{
    public TiedLM() : base(nameof(TiedLM))
    {
        var embed = nn.Embedding(10, 4);
        register_module("embed", embed);
        register_module("body", nn.Linear(4, 4));
        var head = nn.Linear(4, 10, hasBias: false);
        register_module("head", head);
        head.weight = embed.weight!;
    }
}

public sealed class Frozen : nn.Module
{
    public Frozen() : base(nameof(Frozen))
    {
        var backbone = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU());
        register_module("backbone", backbone);
        register_module("head", nn.Linear(4, 2));
        foreach (var p in backbone.parameters()) p.requires_grad = false;
    }
}

public sealed class WithBuffers : nn.Module
{
    public WithBuffers() : base(nameof(WithBuffers))
    {
        register_parameter("scale", new Parameter(torch.ones(3)));
        register_buffer("steps", torch.zeros(Array.Empty<long>(), dtype: ScalarType.Int64));
        register_buffer("cache", torch.zeros(2, 3), persistent: false);
        register_module("bn", nn.BatchNorm1d(3));
        register_buffer("mask", torch.ones(new long[] { 3 }, dtype: ScalarType.Bool));
        register_module("fc", nn.Linear(3, 1));
    }
}

public sealed class Containers : nn.Module
{
    public Containers() : base(nameof(Containers))
    {
        register_module("layers", nn.ModuleList(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2)));
        register_module("heads", nn.ModuleDict(("cls", nn.Linear(2, 5)), ("box", nn.Linear(2, 4))));
        register_module("plist", nn.ParameterList(new Parameter(torch.zeros(3, 4)), new Parameter(torch.zeros(new long[] { 5 }, dtype: ScalarType.Float64))));
        register_module("pdict", nn.ParameterDict(("left", new Parameter(torch.zeros(5, 10))), ("right", new Parameter(torch.zeros(2)))));
    }
}

/// <summary>Layers TorchSharp implements natively, whose inner modules it holds flat under dotted parameter names
/// (gen_state.py's NativeLayers).</summary>
public sealed class NativeLayers : nn.Module
{
    public NativeLayers() : base(nameof(NativeLayers))
    {
        register_module("enc", nn.TransformerEncoderLayer(d_model: 8, nhead: 2, dim_feedforward: 16));
        register_module("mha", nn.MultiheadAttention(8, 2, kdim: 4, vdim: 6));
        register_module("lstm", nn.LSTM(8, 16, numLayers: 2, bidirectional: true));
        register_module("head", nn.Linear(8, 3));
    }
}

public static class GoldenModels
{
    public static Module Seq() => nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Sequential(nn.Conv2d(1, 3, 3), nn.Sigmoid()));

    /// <summary>Sequential nested <paramref name="depth"/> times around one Linear.</summary>
    public static Module Deep(int depth)
    {
        Module m = nn.Linear(2, 2);
        for (int i = 0; i < depth; i++) m = nn.Sequential((nn.Module<Tensor, Tensor>)m);
        return m;
    }

    /// <summary>The models of models.py's models(), by the same names.</summary>
    public static Module Create(string name) => name switch
    {
        "MyModel" => new MyModel(),
        "Seq" => Seq(),
        "SimpleModel1" => new SimpleModel1(),
        "SimpleModel2" => new SimpleModel2(),
        "SharedModules" => new SharedModules(),
        "TiedLM" => new TiedLM(),
        "Frozen" => new Frozen(),
        "WithBuffers" => new WithBuffers(),
        "Containers" => new Containers(),
        "Deep" => Deep(50),
        "resnet18" => torchvision.models.resnet18(),
        "vgg11" => torchvision.models.vgg11(),
        "NativeLayers" => new NativeLayers(),
        "vgg11_bn" => torchvision.models.vgg11_bn(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such golden model."),
    };

    /// <summary>Models whose module tree in TorchVision .NET differs from torchvision's (ResNet's BasicBlock
    /// registers relu1 after bn2 where torchvision has relu after bn1, and ResNet adds a Flatten): their tests compare
    /// parameters, buffers and counts, and modules that own parameters or buffers, not the whole module list.</summary>
    public static bool TreeDiffersFromPyTorch(string name) => name is "resnet18" or "vgg11" or "vgg11_bn";
}

/// <summary>A plain module that registers the given children in order (for children a Sequential cannot hold).</summary>
public sealed class Holder : nn.Module
{
    public Holder(params (string Name, Module Module)[] children) : base(nameof(Holder))
    {
        foreach (var (name, module) in children) register_module(name, module);
    }
}
