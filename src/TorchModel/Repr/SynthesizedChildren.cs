using System.Reflection;
using TorchSharp.Modules;
using static TorchModel.Internal.PythonLiteral;

namespace TorchModel.Internal;

/// <summary>
/// The PyTorch child structure of TorchSharp modules that wrap a libtorch module and expose no children
/// (MultiheadAttention, Transformer*, TripletMarginWithDistanceLoss), rebuilt from the flat dotted parameter
/// names libtorch registers on the wrapper (<c>self_attn.out_proj.weight</c>, <c>layers.0.linear1.weight</c>).
/// Dropout probabilities are native-only: PyTorch's default <c>p=0.1</c> is assumed (docs/repr-differences.md).
/// </summary>
internal static class SynthesizedChildren
{
    /// <summary>The dropout probability printed for native Transformer parts, whose <c>p</c> TorchSharp does not keep.</summary>
    public const double AssumedTransformerDropout = 0.1;

    private static readonly PropertyInfo? TripletDistance =
        typeof(TripletMarginWithDistanceLoss).GetProperty("distance", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>Adds the synthesized children of <paramref name="module"/> to <paramref name="node"/>; false when the
    /// module's children are its registered ones.</summary>
    public static bool TryAdd(Module module, ReprNode node)
    {
        Func<string, long[]?> shape = name => ExtraReprTable.ShapeOrNull(module, name);
        switch (module)
        {
            case MultiheadAttention:
                AddAttention(node, shape, "");
                return true;
            case TransformerEncoderLayer:
                AddEncoderLayer(node, shape, "");
                return true;
            case TransformerDecoderLayer:
                AddDecoderLayer(node, shape, "");
                return true;
            case TransformerEncoder:
                AddStack(node, shape, "", decoder: false);
                return true;
            case TransformerDecoder:
                AddStack(node, shape, "", decoder: true);
                return true;
            case Transformer:
                node.Add("encoder", Stack(shape, "encoder.", decoder: false));
                node.Add("decoder", Stack(shape, "decoder.", decoder: true));
                return true;
            case TripletMarginWithDistanceLoss:
                if (TripletDistance?.GetValue(module) is null) node.Add("distance_function", new ReprNode("PairwiseDistance", ""));
                return true;
            default:
                return false;
        }
    }

    private static ReprNode Linear(Func<string, long[]?> shape, string prefix, string className = "Linear")
    {
        var weight = shape(prefix + "weight") ?? [0, 0];
        return new ReprNode(className, $"in_features={Int(weight[1])}, out_features={Int(weight[0])}, bias={Bool(shape(prefix + "bias") is not null)}");
    }

    private static ReprNode LayerNorm(Func<string, long[]?> shape, string prefix)
    {
        var weight = shape(prefix + "weight");
        return new ReprNode("LayerNorm", $"{Tuple(weight ?? [])}, eps={Float(1e-05)}, elementwise_affine={Bool(weight is not null)}");
    }

    private static ReprNode Dropout() => new("Dropout", $"p={Float(AssumedTransformerDropout)}, inplace={Bool(false)}");

    private static void AddAttention(ReprNode node, Func<string, long[]?> shape, string prefix)
        => node.Add("out_proj", Linear(shape, prefix + "out_proj.", "NonDynamicallyQuantizableLinear"));

    private static ReprNode Attention(Func<string, long[]?> shape, string prefix)
    {
        var node = new ReprNode("MultiheadAttention", "");
        AddAttention(node, shape, prefix);
        return node;
    }

    private static void AddEncoderLayer(ReprNode node, Func<string, long[]?> shape, string prefix)
    {
        node.Add("self_attn", Attention(shape, prefix + "self_attn."))
            .Add("linear1", Linear(shape, prefix + "linear1."))
            .Add("dropout", Dropout())
            .Add("linear2", Linear(shape, prefix + "linear2."))
            .Add("norm1", LayerNorm(shape, prefix + "norm1."))
            .Add("norm2", LayerNorm(shape, prefix + "norm2."))
            .Add("dropout1", Dropout())
            .Add("dropout2", Dropout());
    }

    private static void AddDecoderLayer(ReprNode node, Func<string, long[]?> shape, string prefix)
    {
        node.Add("self_attn", Attention(shape, prefix + "self_attn."))
            .Add("multihead_attn", Attention(shape, prefix + "multihead_attn."))
            .Add("linear1", Linear(shape, prefix + "linear1."))
            .Add("dropout", Dropout())
            .Add("linear2", Linear(shape, prefix + "linear2."))
            .Add("norm1", LayerNorm(shape, prefix + "norm1."))
            .Add("norm2", LayerNorm(shape, prefix + "norm2."))
            .Add("norm3", LayerNorm(shape, prefix + "norm3."))
            .Add("dropout1", Dropout())
            .Add("dropout2", Dropout())
            .Add("dropout3", Dropout());
    }

    private static ReprNode Stack(Func<string, long[]?> shape, string prefix, bool decoder)
    {
        var node = new ReprNode(decoder ? "TransformerDecoder" : "TransformerEncoder", "");
        AddStack(node, shape, prefix, decoder);
        return node;
    }

    private static void AddStack(ReprNode node, Func<string, long[]?> shape, string prefix, bool decoder)
    {
        var layers = new ReprNode("ModuleList", "", collapseRuns: true);
        for (int i = 0; shape($"{prefix}layers.{Int(i)}.linear1.weight") is not null; i++)
        {
            var layer = new ReprNode(decoder ? "TransformerDecoderLayer" : "TransformerEncoderLayer", "");
            string layerPrefix = $"{prefix}layers.{Int(i)}.";
            if (decoder) AddDecoderLayer(layer, shape, layerPrefix);
            else AddEncoderLayer(layer, shape, layerPrefix);
            layers.Add(PythonLiteral.Index(i), layer);
        }
        node.Add("layers", layers);
        if (shape(prefix + "norm.weight") is not null) node.Add("norm", LayerNorm(shape, prefix + "norm."));
    }
}
