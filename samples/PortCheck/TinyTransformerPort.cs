using TorchModel;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PortCheckSample;

// A C# port of the PyTorch TinyTransformer in tests/TorchModel.Tests/Golden/gen_portcheck.py, written the way one
// ports it by reading the Python code. It has one mistake, as real ports do: the Python model builds every LayerNorm
// with eps=1e-6 (as ViT and many Hugging Face configs do), and this port forgot the argument, so TorchSharp's default
// eps=1e-5 is used. Nothing fails and the shapes are right; only the numbers drift. `fixedEps` repairs it.

/// <summary>Multi-head self-attention returning (output, attention weights), as the Python module does.</summary>
public sealed class Attention : nn.Module<Tensor, (Tensor, Tensor)>
{
    private readonly long _heads;
    private readonly Linear _qkv;
    private readonly Linear _proj;

    public Attention(long dim, long heads) : base(nameof(Attention))
    {
        _heads = heads;
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
        var y = att.matmul(v).transpose(1, 2).reshape(b, t, c);
        return (_proj.call(y), att);
    }
}

/// <summary>fc1, GELU, fc2.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear _fc1;
    private readonly GELU _act = nn.GELU();
    private readonly Linear _fc2;

    public Mlp(long dim, long hidden) : base(nameof(Mlp))
    {
        _fc1 = nn.Linear(dim, hidden);
        _fc2 = nn.Linear(hidden, dim);
        this.RegisterComponentsAsPyTorch();
    }

    public override Tensor forward(Tensor x) => _fc2.call(_act.call(_fc1.call(x)));
}

/// <summary>A pre-norm transformer block.</summary>
public sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm _norm1;
    private readonly Attention _attn;
    private readonly LayerNorm _norm2;
    private readonly Mlp _mlp;

    public Block(long dim, long heads, double eps) : base(nameof(Block))
    {
        _norm1 = nn.LayerNorm(dim, eps: eps);
        _attn = new Attention(dim, heads);
        _norm2 = nn.LayerNorm(dim, eps: eps);
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

/// <summary>The port: embed, pos, drop, blocks, norm, head — the Python attribute names, so the weights load as they are.</summary>
public sealed class TinyTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Linear _embed = nn.Linear(6, 16);

    public Parameter Pos { get; } = new(torch.zeros(1, 5, 16));

    private readonly Dropout _drop = nn.Dropout(0.1);
    private readonly ModuleList<Block> _blocks;
    private readonly LayerNorm _norm;
    private readonly Linear _head = nn.Linear(16, 3);

    public TinyTransformer(bool fixedEps) : base(nameof(TinyTransformer))
    {
        // The mistake: Python passes eps=1e-6 to every nn.LayerNorm; the port leaves TorchSharp's default.
        double eps = fixedEps ? 1e-6 : 1e-5;
        _blocks = nn.ModuleList(new Block(16, 4, eps), new Block(16, 4, eps));
        _norm = nn.LayerNorm(16, eps: eps);
        this.RegisterComponentsAsPyTorch();
    }

    public override Tensor forward(Tensor input)
    {
        var x = _drop.call(_embed.call(input) + Pos);
        foreach (var block in _blocks) x = block.call(x);
        return _head.call(_drop.call(_norm.call(x)));
    }
}
