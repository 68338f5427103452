namespace TorchModel.Internal;

/// <summary>
/// The calls PyTorch's Transformer layers make to their child modules, as summary rows. TorchSharp runs these layers
/// in libtorch, where no .NET hook sees the inner calls, so after such a layer's call the rows PyTorch's forward
/// (sequence-first, norm_first=False, the only form TorchSharp builds) would produce are added with their shapes:
/// <list type="bullet">
/// <item>TransformerEncoderLayer(x): self_attn, dropout1, norm1, linear1, dropout, linear2, dropout2, norm2;</item>
/// <item>TransformerDecoderLayer(x, memory): self_attn, dropout1, norm1, multihead_attn, dropout2, norm2, linear1,
/// dropout, linear2, dropout3, norm3;</item>
/// <item>TransformerEncoder/TransformerDecoder: each of <c>layers</c> in order, then <c>norm</c> if present;</item>
/// <item>Transformer(src, tgt): encoder(src), then decoder(tgt, memory).</item>
/// </list>
/// MultiheadAttention calls no child (PyTorch's forward uses <c>out_proj</c>'s weights directly), so it adds nothing.
/// </summary>
internal static class NativeLayerCalls
{
    /// <summary>Adds the rows of the native child calls of <paramref name="layer"/>, if it is a native layer.</summary>
    public static void AddRows(Module layer, object?[] arguments, Tensor output, SummaryBuilder.Tree tree, List<SummaryBuilder.Row> rows)
    {
        if (layer is NativeModule || !NativeChildren.IsNativeType(layer.GetType()) || arguments.Length == 0) return;
        if (SummaryBuilder.FirstTensor(arguments[0]) is not { IsInvalid: false } first) return;
        var calls = new Calls(tree, rows, output.element_size());
        long[] x = first.shape;
        switch (PythonNames.ClassName(layer))
        {
            case "TransformerEncoderLayer":
                calls.EncoderLayer(layer, x);
                break;
            case "TransformerDecoderLayer":
                calls.DecoderLayer(layer, x);
                break;
            case "TransformerEncoder":
                calls.Stack(layer, x, decoder: false);
                break;
            case "TransformerDecoder":
                calls.Stack(layer, x, decoder: true);
                break;
            case "Transformer":
                long[] tgt = arguments.Length > 1 && SummaryBuilder.FirstTensor(arguments[1]) is { IsInvalid: false } t ? t.shape : x;
                if (calls.Add(layer, "encoder", x, x) is { } encoder) calls.Stack(encoder, x, decoder: false);
                if (calls.Add(layer, "decoder", tgt, tgt) is { } decoder) calls.Stack(decoder, tgt, decoder: true);
                break;
        }
    }

    private sealed class Calls(SummaryBuilder.Tree tree, List<SummaryBuilder.Row> rows, long elementSize)
    {
        /// <summary>Adds a row for the call of <paramref name="parent"/>'s child <paramref name="name"/>; the child, or null.</summary>
        public Module? Add(Module parent, string name, long[] input, long[] output)
        {
            var child = ModuleInternals.Child(parent, name);
            return child is null ? null : Add(child, input, output);
        }

        private Module? Add(Module child, long[] input, long[] output)
        {
            if (!tree.Nodes.TryGetValue(child, out var node)) return null;
            rows.Add(new SummaryBuilder.Row
            {
                Node = node, Executed = true, InputShape = input, OutputShape = output,
                OutputBytes = SummaryBuilder.Product(output, 0, output.Length) * elementSize,
            });
            return child;
        }

        public void EncoderLayer(Module layer, long[] x)
        {
            var hidden = Hidden(layer, x);
            Add(layer, "self_attn", x, x);
            Add(layer, "dropout1", x, x);
            Add(layer, "norm1", x, x);
            FeedForward(layer, x, hidden, "dropout2");
            Add(layer, "norm2", x, x);
        }

        public void DecoderLayer(Module layer, long[] x)
        {
            var hidden = Hidden(layer, x);
            Add(layer, "self_attn", x, x);
            Add(layer, "dropout1", x, x);
            Add(layer, "norm1", x, x);
            Add(layer, "multihead_attn", x, x);
            Add(layer, "dropout2", x, x);
            Add(layer, "norm2", x, x);
            FeedForward(layer, x, hidden, "dropout3");
            Add(layer, "norm3", x, x);
        }

        private void FeedForward(Module layer, long[] x, long[] hidden, string lastDropout)
        {
            Add(layer, "linear1", x, hidden);
            Add(layer, "dropout", hidden, hidden);
            Add(layer, "linear2", hidden, x);
            Add(layer, lastDropout, x, x);
        }

        public void Stack(Module stack, long[] x, bool decoder)
        {
            if (ModuleInternals.Child(stack, "layers") is { } layers)
            {
                var children = new List<(string Name, Module Module)>();
                ModuleInternals.Children(layers, children);
                foreach (var (_, layer) in children)
                {
                    if (Add(layer, x, x) is null) continue;
                    if (decoder) DecoderLayer(layer, x);
                    else EncoderLayer(layer, x);
                }
            }
            Add(stack, "norm", x, x);
        }

        /// <summary>The feed-forward activations' shape: the input's with linear1's output features last.</summary>
        private static long[] Hidden(Module layer, long[] x)
        {
            var hidden = (long[])x.Clone();
            if (hidden.Length > 0 && ModuleInternals.Child(layer, "linear1") is { } linear1 && ModuleInternals.OwnParameter(linear1, "weight") is { } weight)
                hidden[^1] = weight.shape[0];
            return hidden;
        }
    }
}
