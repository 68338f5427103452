using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchModel.Internal.PythonLiteral;

namespace TorchModel.Internal;

/// <summary>
/// PyTorch's <c>extra_repr()</c> for every TorchSharp module type with a PyTorch counterpart, one entry per type.
/// Values TorchSharp does not keep are derived from parameter names and shapes; the few that cannot be recovered
/// follow the conventions in docs/repr-differences.md (<see cref="Unknown"/> marks a value that cannot be known).
/// </summary>
internal static class ExtraReprTable
{
    /// <summary>Printed in place of a value TorchSharp never stores and that has no default to assume.</summary>
    public const string Unknown = "?";

    private static readonly Dictionary<Type, Func<Module, string>> Table = Build();

    /// <summary>The extra_repr formatter for a type or its nearest registered base type; null when none.</summary>
    public static Func<Module, string>? For(Type type)
    {
        for (var t = type; t is not null && t != typeof(Module); t = t.BaseType)
        {
            if (Table.TryGetValue(t, out var format)) return format;
        }
        return null;
    }

    private static Dictionary<Type, Func<Module, string>> Build()
    {
        var table = new Dictionary<Type, Func<Module, string>>();
        void Add<T>(Func<T, string> format) where T : Module => table.Add(typeof(T), m => format((T)m));

        // Linear family and shape modules
        Add<Linear>(m => $"in_features={Int(m.in_features)}, out_features={Int(m.out_features)}, bias={Bool(m.bias is not null)}");
        Add<Bilinear>(m => $"in1_features={Int(m.in1_features)}, in2_features={Int(m.in2_features)}, out_features={Int(m.out_features)}, bias={Bool(m.bias is not null)}");
        Add<Flatten>(m => $"start_dim={Int(m.start_dim)}, end_dim={Int(m.end_dim)}");
        Add<Unflatten>(m => $"dim={Int(m.dim)}, unflattened_size={Tuple(m.unflattened_size)}");
        Add<Fold>(m => $"output_size={Pair(m.output_size)}, kernel_size={Pair(m.kernel_size)}, dilation={Pair(m.dilation)}, padding={Pair(m.padding)}, stride={Pair(m.stride)}");
        Add<Unfold>(m => $"kernel_size={Pair(m.kernel_size)}, dilation={Pair(m.dilation)}, padding={Pair(m.padding)}, stride={Pair(m.stride)}");
        Add<PixelShuffle>(m => $"upscale_factor={Int(m.upscale_factor)}");
        Add<PixelUnshuffle>(m => $"downscale_factor={Int(m.downscale_factor)}");
        Add<ChannelShuffle>(m => $"groups={Int(m.groups)}");
        Add<Upsample>(UpsampleRepr);

        // Convolutions (PyTorch's _ConvNd.extra_repr)
        Add<Convolution>(ConvRepr);

        // Normalization
        Add<NormBase>(m => $"{Int(m.num_features)}, eps={Float(m.eps)}, momentum={(m.momentum is { } mo ? Float(mo) : None)}, affine={Bool(m.affine)}, track_running_stats={Bool(m.track_running_stats)}");
        Add<LayerNorm>(m => $"{Tuple(m.normalized_shape)}, eps={Float(m.eps)}, elementwise_affine={Bool(m.elementwise_affine)}");
        Add<GroupNorm>(m => $"{Int(m.num_groups)}, {(m.affine ? Int(Shape(m, "weight")[0]) : Unknown)}, eps={Float(m.eps)}, affine={Bool(m.affine)}");
        Add<LocalResponseNorm>(m => $"{Int(m.size)}, alpha={Float(m.alpha)}, beta={Float(m.beta)}, k={Float(m.k)}");

        // Dropout family (_DropoutNd)
        Add<Dropout>(m => Dropout(m.p, m.inplace));
        Add<Dropout1d>(m => Dropout(m.p, m.inplace));
        Add<Dropout2d>(m => Dropout(m.p, m.inplace));
        Add<Dropout3d>(m => Dropout(m.p, m.inplace));
        Add<AlphaDropout>(m => Dropout(m.p, m.inplace));
        Add<FeatureAlphaDropout>(m => Dropout(m.p, m.inplace));

        // Activations (no entry: Hardsigmoid, Hardswish, LogSigmoid, Sigmoid, Softmax2d, Softsign, Tanh, Tanhshrink)
        Add<CELU>(m => $"alpha={Float(m.alpha)}{InplaceSuffix(m.inplace)}");
        Add<ELU>(m => $"alpha={Float(m.alpha)}{InplaceSuffix(m.inplace)}");
        Add<GELU>(m => $"approximate={Quoted(m.approximate.ToString())}");
        Add<GLU>(m => $"dim={Int(m.dim)}");
        Add<Hardshrink>(m => Float(m.lambda));
        Add<Softshrink>(m => Float(m.lambda));
        Add<Hardtanh>(m => $"min_val={Float(m.min_val)}, max_val={Float(m.max_val)}{InplaceSuffix(m.inplace)}");
        Add<LeakyReLU>(m => $"negative_slope={Float(m.negative_slope)}{InplaceSuffix(m.inplace)}");
        Add<LogSoftmax>(m => $"dim={Int(m.dim)}");
        Add<Softmax>(m => $"dim={Int(m.dim)}");
        Add<Softmin>(m => $"dim={Int(m.dim)}");
        Add<Mish>(m => InplaceOnly(m.inplace));
        Add<ReLU>(m => InplaceOnly(m.inplace));
        Add<ReLU6>(m => InplaceOnly(m.inplace));
        Add<SELU>(m => InplaceOnly(m.inplace));
        Add<SiLU>(m => InplaceOnly(m.inplace));
        Add<PReLU>(m => $"num_parameters={Int(m.num_parameters)}");
        Add<RReLU>(m => $"lower={Float(m.lower)}, upper={Float(m.upper)}{InplaceSuffix(m.inplace)}");
        Add<Softplus>(m => $"beta={IntIfIntegral(m.beta)}, threshold={IntIfIntegral(m.threshold)}");
        Add<Threshold>(m => $"threshold={IntIfIntegral(m.threshold)}, value={IntIfIntegral(m.value)}{InplaceSuffix(m.inplace)}");

        // Pooling (no entry: FractionalMaxPool2d/3d)
        Add<AdaptiveAvgPool1d>(m => $"output_size={Int(m.output_size)}");
        Add<AdaptiveMaxPool1d>(m => $"output_size={Int(m.output_size)}");
        Add<AdaptiveAvgPool2d>(m => $"output_size={TupleOrUnknown(m.output_size)}");
        Add<AdaptiveAvgPool3d>(m => $"output_size={TupleOrUnknown(m.output_size)}");
        Add<AdaptiveMaxPool2d>(m => $"output_size={TupleOrUnknown(m.output_size)}");
        Add<AdaptiveMaxPool3d>(m => $"output_size={TupleOrUnknown(m.output_size)}");
        Add<AvgPool1d>(m => $"kernel_size={Tuple([m.kernel_size])}, stride={Tuple([m.stride ?? m.kernel_size])}, padding={Tuple([m.padding ?? 0])}");
        Add<AvgPool2d>(m => AvgPool(m.kernel_size, m.stride, m.padding));
        Add<AvgPool3d>(m => AvgPool(m.kernel_size, m.stride, m.padding));
        Add<LPPool1d>(m => $"norm_type={IntIfIntegral(m.norm_type)}, kernel_size={Int(m.kernel_size)}, stride={Int(m.stride)}, ceil_mode={Bool(m.ceil_mode)}");
        Add<LPPool2d>(m => $"norm_type={IntIfIntegral(m.norm_type)}, kernel_size={ScalarOrTuple(m.kernel_size)}, stride={(m.stride is null ? None : ScalarOrTuple(m.stride))}, ceil_mode={Bool(m.ceil_mode)}");
        Add<MaxPool1d>(m => $"kernel_size={Int(m.kernel_size)}, stride={Int(m.stride ?? m.kernel_size)}, padding={Int(m.padding ?? 0)}, dilation={Int(m.dilation ?? 1)}, ceil_mode={Bool(m.ceil_mode)}");
        Add<MaxPool2d>(m => MaxPool(m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode));
        Add<MaxPool3d>(m => MaxPool(m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode));
        Add<MaxUnpool1d>(m => $"kernel_size={Tuple([m.kernel_size])}, stride={Tuple([m.stride ?? m.kernel_size])}, padding={Tuple([m.padding ?? 0])}");
        Add<MaxUnpool2d>(m => MaxUnpool(m.kernel_size, m.stride, m.padding));
        Add<MaxUnpool3d>(m => MaxUnpool(m.kernel_size, m.stride, m.padding));

        // Padding
        Add<ConstantPad1d>(m => $"padding={Tuple(m.padding)}, value={IntIfIntegral(m.value)}");
        Add<ConstantPad2d>(m => $"padding={Tuple(m.padding)}, value={IntIfIntegral(m.value)}");
        Add<ConstantPad3d>(m => $"padding={Tuple(m.padding)}, value={IntIfIntegral(m.value)}");
        Add<ReflectionPad1d>(m => Tuple(m.padding));
        Add<ReflectionPad2d>(m => Tuple(m.padding));
        Add<ReflectionPad3d>(m => Tuple(m.padding));
        Add<ReplicationPad1d>(m => Tuple(m.padding));
        Add<ReplicationPad2d>(m => Tuple(m.padding));
        Add<ReplicationPad3d>(m => Tuple(m.padding));
        Add<ZeroPad2d>(m => Tuple(m.padding));

        // Embeddings (native: options other than the shape are not readable; defaults are assumed, see docs)
        Add<Embedding>(m => EmbeddingShape(m));
        Add<EmbeddingBag>(m => EmbeddingShape(m) + ", mode=mean");

        // Recurrent (native: derived from parameter names and shapes)
        Add<RNN>(m => RnnRepr(m, RnnBatchFirst(m)));
        Add<LSTM>(m => RnnRepr(m, LstmBatchFirst(m)));
        Add<GRU>(m => RnnRepr(m, GruBatchFirst(m)));
        Add<RNNCell>(CellRepr);
        Add<LSTMCell>(CellRepr);
        Add<GRUCell>(CellRepr);

        // Parameter containers
        Add<ParameterList>(ExtraReprs.ParameterLines);
        Add<ParameterDict>(ExtraReprs.ParameterLines);

        // No extra_repr in PyTorch: Identity, CosineSimilarity, PairwiseDistance, every loss, containers,
        // MultiheadAttention and Transformer* (their children are synthesized by SynthesizedChildren).
        return table;
    }

    private static string InplaceSuffix(bool inplace) => inplace ? ", inplace=True" : string.Empty;

    private static string InplaceOnly(bool inplace) => inplace ? "inplace=True" : string.Empty;

    private static string Dropout(double p, bool inplace) => $"p={Float(p)}, inplace={Bool(inplace)}";

    private static string Pair((long, long) value) => ScalarOrTuple([value.Item1, value.Item2]);

    // Adaptive pools print a tuple: torchvision's models pass (1, 1) and (7, 7); TorchSharp's scalar overload
    // expands to the same array, so AdaptiveAvgPool2d(1) prints (1, 1) (docs/repr-differences.md).
    private static string TupleOrUnknown(long[]? values) => values is null ? Unknown : Tuple(values);

    private static string AvgPool(long[] kernel, long[]? stride, long[]? padding)
        => $"kernel_size={ScalarOrTuple(kernel)}, stride={ScalarOrTuple(stride ?? kernel)}, padding={ScalarOrTuple(padding, 0)}";

    private static string MaxPool(long[] kernel, long[]? stride, long[]? padding, long[]? dilation, bool ceilMode)
        => $"kernel_size={ScalarOrTuple(kernel)}, stride={ScalarOrTuple(stride ?? kernel)}, padding={ScalarOrTuple(padding, 0)}, dilation={ScalarOrTuple(dilation, 1)}, ceil_mode={Bool(ceilMode)}";

    private static string MaxUnpool(long[] kernel, long[]? stride, long[]? padding)
        => $"kernel_size={Tuple(kernel)}, stride={Tuple(stride ?? kernel)}, padding={Tuple(padding ?? new long[kernel.Length])}";

    private static string UpsampleRepr(Upsample m)
    {
        // PyTorch 2.x: 'scale_factor=' + repr(scale_factor) or 'size=' + repr(size), then ', mode=' + repr(mode).
        var scale = m.scale_factor;
        var size = m.size;
        string info = scale.Length > 0
            ? "scale_factor=" + (scale.Length == 1 ? Float(scale[0]) : Tuple(scale))
            : "size=" + (size.Length == 0 ? None : size.Length == 1 ? Int(size[0]) : Tuple(size));
        return info + ", mode=" + Quoted(m.mode.ToString().ToLowerInvariant());
    }

    private static string ConvRepr(Convolution m)
    {
        var s = new System.Text.StringBuilder();
        s.Append(Int(m.in_channels)).Append(", ").Append(Int(m.out_channels))
         .Append(", kernel_size=").Append(Tuple(m.kernel_size))
         .Append(", stride=").Append(Tuple(m.stride));
        if (m.padding_type is { } type) s.Append(", padding=").Append(type == Padding.Same ? "same" : "valid");
        else if (m.padding is { } padding && padding.Any(p => p != 0)) s.Append(", padding=").Append(Tuple(padding));
        if (m.dilation is { } dilation && dilation.Any(d => d != 1)) s.Append(", dilation=").Append(Tuple(dilation));
        if (m.output_padding is { } outputPadding && outputPadding.Any(p => p != 0)) s.Append(", output_padding=").Append(Tuple(outputPadding));
        if (m.groups != 1) s.Append(", groups=").Append(Int(m.groups));
        if (m.bias is null) s.Append(", bias=False");
        if (m.padding_mode != PaddingModes.Zeros) s.Append(", padding_mode=").Append(m.padding_mode.ToString().ToLowerInvariant());
        return s.ToString();
    }

    /// <summary>The shape of one of the module's own parameters (by its exact name), or null.</summary>
    internal static long[]? ShapeOrNull(Module module, string name) => ModuleInternals.OwnParameter(module, name)?.shape;

    private static long[] Shape(Module module, string name) => ShapeOrNull(module, name) ?? [];

    private static string EmbeddingShape(Module m)
    {
        var shape = Shape(m, "weight");
        return shape.Length == 2 ? $"{Int(shape[0])}, {Int(shape[1])}" : Unknown;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_batch_first")]
    private static extern ref bool RnnBatchFirst(RNN rnn);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_batch_first")]
    private static extern ref bool LstmBatchFirst(LSTM lstm);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_batch_first")]
    private static extern ref bool GruBatchFirst(GRU gru);

    /// <summary>PyTorch's RNNBase.extra_repr from libtorch's parameter names: weight_ih_l{k}[_reverse], weight_hr_l{k}.</summary>
    private static string RnnRepr(Module m, bool batchFirst)
    {
        var input = Shape(m, "weight_ih_l0");
        var hidden = Shape(m, "weight_hh_l0");
        if (input.Length != 2 || hidden.Length != 2) return Unknown;
        int layers = 0;
        while (ModuleInternals.OwnParameter(m, "weight_ih_l" + Int(layers)) is not null) layers++;
        long projection = ShapeOrNull(m, "weight_hr_l0") is { Length: 2 } hr ? hr[0] : 0;
        bool bias = ModuleInternals.OwnParameter(m, "bias_ih_l0") is not null;
        bool bidirectional = ModuleInternals.OwnParameter(m, "weight_ih_l0_reverse") is not null;
        var s = new System.Text.StringBuilder();
        s.Append(Int(input[1])).Append(", ").Append(Int(hidden[1]));
        if (projection != 0) s.Append(", proj_size=").Append(Int(projection));
        if (layers != 1) s.Append(", num_layers=").Append(Int(layers));
        if (!bias) s.Append(", bias=False");
        if (batchFirst) s.Append(", batch_first=True");
        if (bidirectional) s.Append(", bidirectional=True");
        return s.ToString();
    }

    /// <summary>PyTorch's RNNCellBase.extra_repr from weight_ih/weight_hh shapes (RNNCell's nonlinearity is assumed tanh).</summary>
    private static string CellRepr(Module m)
    {
        var input = Shape(m, "weight_ih");
        var hidden = Shape(m, "weight_hh");
        if (input.Length != 2 || hidden.Length != 2) return Unknown;
        string s = $"{Int(input[1])}, {Int(hidden[1])}";
        return ModuleInternals.OwnParameter(m, "bias_ih") is null ? s + ", bias=False" : s;
    }
}
