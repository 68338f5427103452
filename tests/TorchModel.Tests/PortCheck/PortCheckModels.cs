using TorchSharp.Modules;

namespace TorchModel.Tests.PortCheck;

// C# twins of the models in tests/TorchModel.Tests/Golden/gen_portcheck.py, written as a C# developer ports them
// (private fields named after PyTorch's attributes, registered by RegisterComponentsAsPyTorch). Each takes a planted
// bug, so the tests can check that the port check names exactly the layer the bug is in.

/// <summary>One mistake a port can make; None is the faithful port.</summary>
public enum PlantedBug
{
    None,

    /// <summary>The second ConvBlock (features.2) forgets the ReLU at the end of its forward.</summary>
    MissingRelu,

    /// <summary>blocks.0.norm2 is built with TorchSharp's default eps (1e-5) instead of the original's 1e-6.</summary>
    LayerNormEps,

    /// <summary>blocks.1.attn merges heads with reshape(b, t, c) but without the transpose(1, 2) before it.</summary>
    TransposedReshape,
}

public sealed class ConvBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;
    private readonly BatchNorm2d _bn;
    private readonly bool _relu;

    public ConvBlock(long cin, long cout, bool relu = true) : base(nameof(ConvBlock))
    {
        _conv = nn.Conv2d(cin, cout, 3, padding: 1, bias: false);
        _bn = nn.BatchNorm2d(cout);
        _relu = relu;
        this.RegisterComponentsAsPyTorch();
    }

    public override Tensor forward(Tensor x)
    {
        var y = _bn.call(_conv.call(x));
        return _relu ? torch.nn.functional.relu(y) : y;
    }
}

public sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _features;
    private readonly Linear _head;

    public SmallCnn(PlantedBug bug = PlantedBug.None) : base(nameof(SmallCnn))
    {
        _features = nn.Sequential(new ConvBlock(3, 8), nn.MaxPool2d(2), new ConvBlock(8, 16, relu: bug != PlantedBug.MissingRelu), nn.AdaptiveAvgPool2d(1));
        _head = nn.Linear(16, 5);
        this.RegisterComponentsAsPyTorch();
    }

    public override Tensor forward(Tensor x) => _head.call(torch.flatten(_features.call(x), 1));
}

public sealed class Attention : nn.Module<Tensor, (Tensor, Tensor)>
{
    private readonly long _heads;
    private readonly bool _transposedReshape;
    private readonly Linear _qkv;
    private readonly Linear _proj;

    public Attention(long dim, long heads, bool transposedReshape) : base(nameof(Attention))
    {
        _heads = heads;
        _transposedReshape = transposedReshape;
        _qkv = nn.Linear(dim, 3 * dim);
        _proj = nn.Linear(dim, dim);
        this.RegisterComponentsAsPyTorch();
    }

    public override (Tensor, Tensor) forward(Tensor x)
    {
        long b = x.shape[0], t = x.shape[1], c = x.shape[2], h = _heads;
        var qkv = _qkv.call(x).reshape(b, t, 3, h, c / h).permute(2, 0, 3, 1, 4);
        var (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        var att = (q.matmul(k.transpose(-2, -1)) * Math.Pow(c / h, -0.5)).softmax(-1);
        var y = _transposedReshape ? att.matmul(v).reshape(b, t, c) : att.matmul(v).transpose(1, 2).reshape(b, t, c);
        return (_proj.call(y), att);
    }
}

public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear _fc1;
    private readonly GELU _act;
    private readonly Linear _fc2;

    public Mlp(long dim, long hidden) : base(nameof(Mlp))
    {
        _fc1 = nn.Linear(dim, hidden);
        _act = nn.GELU();
        _fc2 = nn.Linear(hidden, dim);
        this.RegisterComponentsAsPyTorch();
    }

    public override Tensor forward(Tensor x) => _fc2.call(_act.call(_fc1.call(x)));
}

public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm _norm1;
    private readonly Attention _attn;
    private readonly LayerNorm _norm2;
    private readonly Mlp _mlp;

    public TransformerBlock(long dim, long heads, double norm2Eps = 1e-6, bool transposedReshape = false) : base("Block")
    {
        _norm1 = nn.LayerNorm(dim, eps: 1e-6);
        _attn = new Attention(dim, heads, transposedReshape);
        _norm2 = nn.LayerNorm(dim, eps: norm2Eps);
        _mlp = new Mlp(dim, 2 * dim);
        this.RegisterComponentsAsPyTorch();
    }

    public override Tensor forward(Tensor x)
    {
        var (y, _) = _attn.call(_norm1.call(x));
        x = x + y;
        return x + _mlp.call(_norm2.call(x));
    }
}

public sealed class TinyTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Linear _embed = nn.Linear(6, 16);

    public Parameter Pos { get; } = new(torch.zeros(1, 5, 16));

    private readonly Dropout _drop;
    private readonly ModuleList<TransformerBlock> _blocks;
    private readonly LayerNorm _norm;
    private readonly Linear _head;

    public TinyTransformer(PlantedBug bug = PlantedBug.None) : base(nameof(TinyTransformer))
    {
        _drop = nn.Dropout(0.1);
        _blocks = nn.ModuleList(
            new TransformerBlock(16, 4, norm2Eps: bug == PlantedBug.LayerNormEps ? 1e-5 : 1e-6),
            new TransformerBlock(16, 4, transposedReshape: bug == PlantedBug.TransposedReshape));
        _norm = nn.LayerNorm(16, eps: 1e-6);
        _head = nn.Linear(16, 3);
        this.RegisterComponentsAsPyTorch();
    }

    public override Tensor forward(Tensor input)
    {
        var x = _drop.call(_embed.call(input) + Pos);
        foreach (var block in _blocks) x = block.call(x);
        return _head.call(_drop.call(_norm.call(x)));
    }
}

/// <summary>Reads the fixtures gen_portcheck.py wrote and builds the twins with the original's weights.</summary>
public static class PortCheckFixtures
{
    public static string PathOf(string file) => Infrastructure.RepositoryPaths.Of("tests", "TorchModel.Tests", "Fixtures", "portcheck", file);

    public static nn.Module<Tensor, Tensor> Twin(string model, PlantedBug bug)
    {
        nn.Module<Tensor, Tensor> twin = model switch
        {
            "cnn" => new SmallCnn(bug),
            "transformer" => new TinyTransformer(bug),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        twin.LoadSafeTensors(PathOf(model + ".weights.safetensors"));
        return twin;
    }

    public static Tensor Input(string model)
    {
        using var inputs = SafeTensors.Load(PathOf(model + ".input.safetensors"));
        return inputs["input0"].clone();
    }

    public static CapturedOutputs Python(string model) => CapturedOutputs.Load(PathOf(model + ".capture.safetensors"));

    public static CaptureOptions Options(string model) => CaptureOptions.Default with { IncludeInputs = model == "transformer" };
}
