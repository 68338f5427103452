using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Summarizes a model as torchinfo does, running one forward pass on dummy inputs of the given shapes.</summary>
    /// <param name="module">The model; its forward must take as many tensors as shapes are given.</param>
    /// <param name="inputShapes">One shape per forward argument, batch dimension included, e.g. <c>[1, 3, 224, 224]</c>.
    /// None: parameters-only summary without a forward pass.</param>
    /// <returns>The summary; <c>ToString()</c> renders the table.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="inputShapes"/> (or one shape) is null.</exception>
    /// <exception cref="ArgumentException">A shape has a negative dimension, or the forward does not take that many tensors.</exception>
    /// <exception cref="SummaryForwardException">The forward pass failed; the message names the layer path and type.</exception>
    /// <remarks>Equivalent to torchinfo's <c>summary(model, input_size=shapes)</c>; see
    /// <see cref="Summary(Module, SummaryOptions)"/> for the details.</remarks>
    public static ModelSummary Summary(this Module module, params long[][] inputShapes)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputShapes);
        return Summary(module, SummaryOptions.Default with { InputShapes = inputShapes });
    }

    /// <summary>Summarizes a model as torchinfo does, running one forward pass on the given input tensors.</summary>
    /// <param name="module">The model; its forward must take as many tensors as are given.</param>
    /// <param name="input">The first forward argument, any dtype (token IDs as <c>int64</c>, images as <c>float32</c>...).</param>
    /// <param name="moreInputs">The further forward arguments, in order.</param>
    /// <returns>The summary; <c>ToString()</c> renders the table.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/>, <paramref name="input"/> or <paramref name="moreInputs"/> (or one of them) is null.</exception>
    /// <exception cref="ArgumentException">An input is disposed, or the forward does not take that many tensors.</exception>
    /// <exception cref="SummaryForwardException">The forward pass failed; the message names the layer path and type and its inputs.</exception>
    /// <remarks>Equivalent to torchinfo's <c>summary(model, input_data=[input, ...])</c>; see
    /// <see cref="Summary(Module, IReadOnlyList{Tensor}, SummaryOptions)"/>.</remarks>
    public static ModelSummary Summary(this Module module, Tensor input, params Tensor[] moreInputs)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(moreInputs);
        return Summary(module, [input, .. moreInputs], SummaryOptions.Default);
    }

    /// <summary>Summarizes a model as torchinfo does, running one forward pass on the given input tensors.</summary>
    /// <param name="module">The model; its forward must take as many tensors as are given.</param>
    /// <param name="inputs">The forward arguments, in order, any dtype; they are used as given (not copied or moved).</param>
    /// <param name="options">Depth limit and columns; its <see cref="SummaryOptions.InputShapes"/> and
    /// <see cref="SummaryOptions.InputTypes"/> must be empty.</param>
    /// <returns>The summary; <c>ToString()</c> renders the table.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/>, <paramref name="inputs"/> (or one input) or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">No input is given, an input is disposed, <paramref name="options"/> also gives
    /// input shapes or types, the depth or column width is out of range, or the forward does not take that many tensors.</exception>
    /// <exception cref="SummaryForwardException">The forward pass failed; the message names the layer path and type and its inputs.</exception>
    /// <remarks>Equivalent to torchinfo's <c>summary(model, input_data=inputs, depth, col_names, col_width)</c>, with
    /// <see cref="SummaryOptions"/> semantics as in <see cref="Summary(Module, SummaryOptions)"/>. <see cref="ModelSummary.InputBytes"/>
    /// counts the given tensors' data.</remarks>
    public static ModelSummary Summary(this Module module, IReadOnlyList<Tensor> inputs, SummaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        ValidateLayout(options);
        if (inputs.Count == 0) throw Throw.NoSummaryInputs(nameof(inputs));
        if (options.InputShapes is { Count: > 0 } || options.InputTypes is { Count: > 0 }) throw Throw.SummaryInputsTwice(nameof(options));
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null) throw Throw.NullSummaryInput(i, nameof(inputs));
            if (inputs[i].IsInvalid) throw Throw.DisposedSummaryInput(i, nameof(inputs));
        }
        return SummaryBuilder.Build(module, options, inputs.ToArray());
    }

    /// <summary>Summarizes a model as torchinfo does: per-layer output shapes and parameter counts, totals, mult-adds and
    /// memory estimates.</summary>
    /// <param name="module">The model.</param>
    /// <param name="options">Input shapes and types, depth limit, columns; see <see cref="SummaryOptions"/>.</param>
    /// <returns>The summary; <c>ToString()</c> renders the table.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="options"/> (or a shape) is null.</exception>
    /// <exception cref="ArgumentException">A shape has a negative dimension, <see cref="SummaryOptions.InputTypes"/> has
    /// neither zero nor one entry per shape, the depth or column width is out of range, or the forward does not take
    /// that many tensors.</exception>
    /// <exception cref="SummaryForwardException">The forward pass failed; the message names the layer path and type and its inputs.</exception>
    /// <remarks>
    /// <para>Equivalent to torchinfo's <c>summary(model, input_size, dtypes, depth, col_names, col_width)</c>. With input
    /// shapes, one forward pass runs under <c>no_grad</c> on inputs made as torchinfo makes them,
    /// <c>torch.rand(shape).to(dtype)</c> (so integer inputs such as token IDs are zeros, valid for any embedding), on the
    /// device of the model's first parameter, dtype per input from <see cref="SummaryOptions.InputTypes"/> (default
    /// <see cref="SummaryOptions.InputType"/>), in eval mode so BatchNorm statistics are not updated. Every module's own
    /// train/eval flag is set and restored one module at a time through libtorch (TorchSharp's recursive
    /// <c>train()</c>/<c>eval()</c> would revisit each subtree once per ancestor), so the pass costs time linear in the
    /// number of modules; a module's overridden <c>train()</c> is not called. Every tensor the pass creates is disposed.</para>
    /// <para>Rows follow torchinfo: one row per layer call, in call order, from TorchSharp forward hooks (which fire when
    /// a layer is invoked with <c>call(...)</c>, not <c>forward(...)</c>); a row's depth is the layer's depth in the
    /// module tree; a container never called itself (a <c>ModuleList</c>) gets a row above its first called
    /// descendant. Input and output shapes are the first tensor of the inputs and of the output (a tuple's first item).
    /// Layers TorchSharp runs natively (MultiheadAttention, TransformerEncoderLayer, TransformerDecoderLayer,
    /// TransformerEncoder, TransformerDecoder, Transformer) get the rows of the calls PyTorch's same layer makes
    /// (<c>self_attn</c>, <c>dropout1</c>, <c>norm1</c>, <c>linear1</c>... with their shapes), computed from the layer's
    /// input shapes, since libtorch calls them where no hook can see. Mult-adds: a convolution's weight and bias count
    /// <c>numel × N × prod(out[2:])</c>, a linear layer's (Linear, Bilinear, MultiheadAttention's out_proj)
    /// <c>numel × prod(out[:-1])</c>, other weights and biases <c>numel × N</c>, and other parameters named like
    /// <c>*weight*</c>/<c>*bias*</c> <c>numel × prod(out[:2])</c>; only leaf layers count. The rule is chosen by the
    /// module's type, where torchinfo looks for <c>Conv</c>/<c>Linear</c> in the class name (so a user's
    /// <c>MyConvBlock</c> is not counted as a convolution here). Without input shapes, rows are the module tree in
    /// pre-order and only parameter counts are shown.</para>
    /// <para>TorchSharp has no summary.</para>
    /// </remarks>
    public static ModelSummary Summary(this Module module, SummaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.InputShapes, nameof(options) + "." + nameof(options.InputShapes));
        ArgumentNullException.ThrowIfNull(options.InputTypes, nameof(options) + "." + nameof(options.InputTypes));
        ValidateLayout(options);
        foreach (var shape in options.InputShapes)
        {
            if (shape is null) throw Throw.NullInputShape(nameof(options));
            if (Array.Exists(shape, static d => d < 0))
                throw Throw.NegativeInputShape(ModelSummary.Shape(shape), nameof(options));
        }
        if (options.InputTypes.Count != 0 && options.InputTypes.Count != options.InputShapes.Count)
            throw Throw.SummaryInputTypesCount(options.InputTypes.Count, options.InputShapes.Count, nameof(options));
        return SummaryBuilder.Build(module, options, inputs: null);
    }

    private static void ValidateLayout(SummaryOptions options)
    {
        if (options.Depth < 0) throw Throw.BadSummaryDepth(options.Depth, nameof(options));
        if (options.ColumnWidth < 1) throw Throw.BadColumnWidth(options.ColumnWidth, nameof(options));
    }
}
