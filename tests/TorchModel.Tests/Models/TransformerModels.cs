using TorchSharp.Modules;

namespace TorchModel.Tests.Models;

// C# mirrors of Golden/gen_transformers.py's models: same names, same registration order, same forward calls.

/// <summary>Every TorchSharp layer whose children libtorch keeps, called in one forward.</summary>
public sealed class NativeZoo : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly MultiheadAttention mha = nn.MultiheadAttention(8, 2, kdim: 4, vdim: 4);
    private readonly MultiheadAttention mha_kv = nn.MultiheadAttention(8, 2, add_bias_kv: true);
    private readonly TransformerEncoderLayer enc_layer = nn.TransformerEncoderLayer(8, 2, 16);
    private readonly TransformerDecoderLayer dec_layer = nn.TransformerDecoderLayer(8, 2, 16);
    private readonly TransformerEncoder encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2);
    private readonly TransformerDecoder decoder = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), 2);
    private readonly Transformer transformer = nn.Transformer(8, 2, 1, 1, 16);

    public NativeZoo() : base(nameof(NativeZoo))
    {
        register_module("mha", mha);
        register_module("mha_kv", mha_kv);
        register_module("enc_layer", enc_layer);
        register_module("dec_layer", dec_layer);
        register_module("encoder", encoder);
        register_module("decoder", decoder);
        register_module("transformer", transformer);
    }

    public override Tensor forward(Tensor src, Tensor tgt)
    {
        var x = mha.call(tgt, src.narrow(2, 0, 4), src.narrow(2, 0, 4)).Item1;
        x = mha_kv.call(x, x, x).Item1;
        var m = enc_layer.call(src);
        x = dec_layer.call(x, m);
        m = encoder.call(m);
        x = decoder.call(x, m);
        return transformer.call(m, x);
    }
}

/// <summary>A GPT-2 block: pre-norm attention with a causal mask, then a pre-norm MLP.</summary>
public sealed class GptBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm ln_1;
    private readonly MultiheadAttention attn;
    private readonly LayerNorm ln_2;
    private readonly Sequential mlp;

    public GptBlock(long d, long heads) : base(nameof(GptBlock))
    {
        register_module("ln_1", ln_1 = nn.LayerNorm(d));
        register_module("attn", attn = nn.MultiheadAttention(d, heads));
        register_module("ln_2", ln_2 = nn.LayerNorm(d));
        register_module("mlp", mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d)));
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        var h = ln_1.call(x);
        x = x + attn.call(h, h, h, null, true, mask).Item1;
        return x + mlp.call(ln_2.call(x));
    }
}

/// <summary>A GPT-2-style language model fed token IDs [batch, time], lm_head tied to the token embedding.</summary>
public sealed class Gpt : nn.Module<Tensor, Tensor>
{
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly ModuleList<GptBlock> h;
    private readonly LayerNorm ln_f;
    private readonly Linear lm_head;

    public Gpt(long vocab = 50, long context = 12, long d = 16, long heads = 2, int layers = 2) : base(nameof(Gpt))
    {
        register_module("wte", wte = nn.Embedding(vocab, d));
        register_module("wpe", wpe = nn.Embedding(context, d));
        register_module("h", h = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new GptBlock(d, heads)).ToArray()));
        register_module("ln_f", ln_f = nn.LayerNorm(d));
        register_module("lm_head", lm_head = nn.Linear(d, vocab, hasBias: false));
        lm_head.weight = wte.weight!;
    }

    public override Tensor forward(Tensor ids)
    {
        long t = ids.shape[1];
        var x = (wte.call(ids) + wpe.call(torch.arange(t))).transpose(0, 1);
        var mask = torch.triu(torch.full(t, t, float.NegativeInfinity), diagonal: 1);
        foreach (var block in h) x = block.call(x, mask);
        return lm_head.call(ln_f.call(x.transpose(0, 1)));
    }
}

/// <summary>A BERT-style encoder classifier fed token IDs and token types [batch, time].</summary>
public sealed class Bert : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding word_embeddings, position_embeddings, token_type_embeddings;
    private readonly LayerNorm emb_norm;
    private readonly Dropout emb_dropout;
    private readonly TransformerEncoder encoder;
    private readonly Linear pooler;
    private readonly Tanh pooler_act;
    private readonly Linear classifier;

    public Bert(long vocab = 40, long context = 10, long d = 16, long heads = 2, long ff = 32, long layers = 2) : base(nameof(Bert))
    {
        register_module("word_embeddings", word_embeddings = nn.Embedding(vocab, d));
        register_module("position_embeddings", position_embeddings = nn.Embedding(context, d));
        register_module("token_type_embeddings", token_type_embeddings = nn.Embedding(2, d));
        register_module("emb_norm", emb_norm = nn.LayerNorm(d));
        register_module("emb_dropout", emb_dropout = nn.Dropout(0.1));
        register_module("encoder", encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, heads, ff), layers));
        register_module("pooler", pooler = nn.Linear(d, d));
        register_module("pooler_act", pooler_act = nn.Tanh());
        register_module("classifier", classifier = nn.Linear(d, 3));
    }

    public override Tensor forward(Tensor ids, Tensor tokenTypes)
    {
        long t = ids.shape[1];
        var x = word_embeddings.call(ids) + position_embeddings.call(torch.arange(t)) + token_type_embeddings.call(tokenTypes);
        x = emb_dropout.call(emb_norm.call(x));
        x = encoder.call(x.transpose(0, 1));
        return classifier.call(pooler_act.call(pooler.call(x[0])));
    }
}

public static class TransformerModels
{
    public static Module Create(string name) => name switch
    {
        "NativeZoo" => new NativeZoo(),
        "Gpt" => new Gpt(),
        "Bert" => new Bert(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such transformer model."),
    };
}
