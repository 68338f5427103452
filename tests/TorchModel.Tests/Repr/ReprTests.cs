using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace TorchModel.Tests.Repr;

/// <summary>Repr() and ExtraRepr() against real PyTorch repr() (Golden/repr.json from gen_repr.py).</summary>
public sealed class ReprTests
{
    /// <summary>The TorchSharp constructor for every case id of gen_repr.py's cases() table.</summary>
    private static readonly Dictionary<string, Func<Module>> Layers = new()
    {
        ["Linear"] = () => Linear(20, 30),
        ["Linear_nobias"] = () => Linear(20, 30, hasBias: false),
        ["Bilinear"] = () => Bilinear(20, 30, 40),
        ["Bilinear_nobias"] = () => Bilinear(20, 30, 40, hasBias: false),
        ["Identity"] = () => Identity(),
        ["Flatten"] = () => Flatten(),
        ["Flatten_dims"] = () => Flatten(0, 2),
        ["Unflatten"] = () => Unflatten(1, [2, 5, 5]),
        ["Fold"] = () => Fold((4, 5), (2, 3)),
        ["Fold_scalar"] = () => Fold(4, 2, dilation: 1, padding: 1, stride: 2),
        ["Unfold"] = () => Unfold((2, 3)),
        ["Unfold_scalar"] = () => Unfold(2, dilation: 2, padding: 1, stride: 2),
        ["PixelShuffle"] = () => PixelShuffle(3),
        ["PixelUnshuffle"] = () => PixelUnshuffle(3),
        ["ChannelShuffle"] = () => ChannelShuffle(2),
        ["Upsample_scale"] = () => Upsample(scale_factor: [2.0]),
        ["Upsample_scales"] = () => Upsample(scale_factor: [2.0, 3.0], mode: UpsampleMode.Bilinear),
        ["Upsample_size"] = () => Upsample(size: [10, 20], mode: UpsampleMode.Bicubic),
        ["Upsample_size1"] = () => Upsample(size: [10]),
        ["Conv1d"] = () => Conv1d(16, 33, 3),
        ["Conv1d_all"] = () => Conv1d(16, 33, 3, stride: 2, padding: 1, dilation: 2, bias: false, padding_mode: PaddingModes.Reflect),
        ["Conv1d_same"] = () => Conv1d(16, 33, 3, Padding.Same),
        ["Conv1d_valid"] = () => Conv1d(16, 33, 3, Padding.Valid),
        ["Conv2d"] = () => Conv2d(16, 33, 3),
        ["Conv2d_rect"] = () => Conv2d(16, 33, (3, 5), stride: (2, 1), padding: (4, 2), dilation: (3, 1)),
        ["Conv2d_groups"] = () => Conv2d(16, 32, 3, padding: 1, groups: 4, padding_mode: PaddingModes.Circular),
        ["Conv2d_same"] = () => Conv2d(16, 33, 3, Padding.Same, padding_mode: PaddingModes.Replicate),
        ["Conv3d"] = () => Conv3d(16, 33, 3, stride: 2),
        ["Conv3d_rect"] = () => Conv3d(16, 33, (3, 5, 2), stride: (2, 1, 1), padding: (4, 2, 0), bias: false),
        ["ConvTranspose1d"] = () => ConvTranspose1d(16, 33, 3, stride: 2),
        ["ConvTranspose1d_all"] = () => ConvTranspose1d(16, 33, 3, stride: 2, padding: 1, output_padding: 1, bias: false),
        ["ConvTranspose2d"] = () => ConvTranspose2d(16, 33, 3, stride: 2),
        ["ConvTranspose2d_rect"] = () => ConvTranspose2d(16, 33, (3, 5), stride: (2, 1), padding: (4, 2), dilation: (2, 2), output_padding: (1, 0)),
        ["ConvTranspose3d"] = () => ConvTranspose3d(16, 33, 3, stride: 2),
        ["BatchNorm1d"] = () => BatchNorm1d(100),
        ["BatchNorm2d_noaffine"] = () => BatchNorm2d(100, eps: 0.001, momentum: 0.3, affine: false, track_running_stats: false),
        ["BatchNorm3d"] = () => BatchNorm3d(100, momentum: 0.01),
        ["InstanceNorm1d"] = () => InstanceNorm1d(100),
        ["InstanceNorm2d_affine"] = () => InstanceNorm2d(100, affine: true, track_running_stats: true),
        ["InstanceNorm3d"] = () => InstanceNorm3d(100, eps: 1e-06),
        ["LayerNorm"] = () => LayerNorm(10),
        ["LayerNorm_shape"] = () => LayerNorm([5, 10, 10], eps: 1e-06, elementwise_affine: false),
        ["GroupNorm"] = () => GroupNorm(3, 6),
        ["LocalResponseNorm"] = () => LocalResponseNorm(2),
        ["LocalResponseNorm_args"] = () => LocalResponseNorm(3, alpha: 0.001, beta: 0.5, k: 2.0),
        ["Dropout"] = () => Dropout(),
        ["Dropout_inplace"] = () => Dropout(0.2, inplace: true),
        ["Dropout1d"] = () => Dropout1d(0.3),
        ["Dropout2d"] = () => Dropout2d(),
        ["Dropout3d"] = () => Dropout3d(0.1),
        ["AlphaDropout"] = () => AlphaDropout(0.2),
        ["FeatureAlphaDropout"] = () => FeatureAlphaDropout(0.2),
        ["CELU"] = () => CELU(),
        ["CELU_args"] = () => CELU(0.5, inplace: true),
        ["ELU"] = () => ELU(alpha: 2.0, inplace: true),
        ["GELU"] = () => GELU(),
        ["GELU_tanh"] = () => GELU(TorchSharp.Modules.GELU.Approximate.tanh),
        ["GLU"] = () => GLU(),
        ["GLU_dim"] = () => GLU(1),
        ["Hardshrink"] = () => Hardshrink(),
        ["Hardshrink_lambd"] = () => Hardshrink(0.3),
        ["Hardsigmoid"] = () => Hardsigmoid(),
        ["Hardswish"] = () => Hardswish(),
        ["Hardtanh"] = () => Hardtanh(),
        ["Hardtanh_args"] = () => Hardtanh(-2.0, 2.0, inplace: true),
        ["LeakyReLU"] = () => LeakyReLU(),
        ["LeakyReLU_args"] = () => LeakyReLU(0.2, inplace: true),
        ["LogSigmoid"] = () => LogSigmoid(),
        ["LogSoftmax"] = () => LogSoftmax(1),
        ["Mish"] = () => Mish(),
        ["Mish_inplace"] = () => Mish(inplace: true),
        ["PReLU"] = () => PReLU(1),
        ["PReLU_3"] = () => PReLU(3),
        ["RReLU"] = () => RReLU(),
        ["RReLU_args"] = () => RReLU(0.1, 0.3, inplace: true),
        ["ReLU"] = () => ReLU(),
        ["ReLU_inplace"] = () => ReLU(inplace: true),
        ["ReLU6"] = () => ReLU6(inplace: true),
        ["SELU"] = () => SELU(),
        ["SiLU"] = () => SiLU(inplace: true),
        ["Sigmoid"] = () => Sigmoid(),
        ["Softmax"] = () => Softmax(-1),
        ["Softmax2d"] = () => Softmax2d(),
        ["Softmin"] = () => Softmin(1),
        ["Softplus"] = () => Softplus(),
        ["Softplus_int"] = () => Softplus(beta: 2, threshold: 10),
        ["Softplus_float"] = () => Softplus(beta: 0.5, threshold: 10.5),
        ["Softshrink"] = () => Softshrink(),
        ["Softsign"] = () => Softsign(),
        ["Tanh"] = () => Tanh(),
        ["Tanhshrink"] = () => Tanhshrink(),
        ["Threshold"] = () => Threshold(0.1, 20),
        ["Threshold_inplace"] = () => Threshold(0.5, 2.5, inplace: true),
        ["AdaptiveAvgPool1d"] = () => AdaptiveAvgPool1d(5),
        ["AdaptiveAvgPool2d"] = () => AdaptiveAvgPool2d((5, 7)),
        ["AdaptiveAvgPool2d_square"] = () => AdaptiveAvgPool2d((1, 1)),
        ["AdaptiveAvgPool3d"] = () => AdaptiveAvgPool3d((5, 7, 9)),
        ["AdaptiveMaxPool1d"] = () => AdaptiveMaxPool1d(5),
        ["AdaptiveMaxPool2d"] = () => AdaptiveMaxPool2d([5, 7]),
        ["AdaptiveMaxPool2d_square"] = () => AdaptiveMaxPool2d([2, 2]),
        ["AvgPool1d"] = () => AvgPool1d(3),
        ["AvgPool1d_args"] = () => AvgPool1d(3, stride: 2, padding: 1),
        ["AvgPool2d"] = () => AvgPool2d(3),
        ["AvgPool2d_rect"] = () => AvgPool2d([3, 2], stride: [2, 1]),
        ["AvgPool3d"] = () => AvgPool3d(3, stride: 2, padding: 1),
        ["FractionalMaxPool2d"] = () => FractionalMaxPool2d([3, 3], output_size: [13, 12]),
        ["FractionalMaxPool3d"] = () => FractionalMaxPool3d([3, 3, 3], output_ratio: [0.5, 0.5, 0.5]),
        ["LPPool1d"] = () => LPPool1d(2, 3),
        ["LPPool1d_args"] = () => LPPool1d(2.5, 3, stride: 2, ceil_mode: true),
        ["LPPool2d"] = () => LPPool2d(2, 3),
        ["LPPool2d_rect"] = () => LPPool2d(1.2, [3, 2], stride: [2, 1]),
        ["MaxPool1d"] = () => MaxPool1d(3),
        ["MaxPool1d_args"] = () => MaxPool1d(3, stride: 2, padding: 1, dilation: 2, ceil_mode: true),
        ["MaxPool2d"] = () => MaxPool2d(3),
        ["MaxPool2d_rect"] = () => MaxPool2d([3, 2], stride: [2, 1]),
        ["MaxPool2d_resnet"] = () => MaxPool2d(3, stride: 2, padding: 1),
        ["MaxPool3d"] = () => MaxPool3d(3, stride: 2, padding: 1, dilation: 2, ceil_mode: true),
        ["MaxUnpool1d"] = () => MaxUnpool1d(2),
        ["MaxUnpool2d"] = () => MaxUnpool2d([2, 2], stride: [2, 1]),
        ["MaxUnpool3d"] = () => MaxUnpool3d(3),
        ["ConstantPad1d"] = () => ConstantPad1d(2, 3.5),
        ["ConstantPad1d_int"] = () => ConstantPad1d((3, 1), 0),
        ["ConstantPad2d"] = () => ConstantPad2d((3, 0, 2, 1), 3.5),
        ["ConstantPad3d"] = () => ConstantPad3d(3, 3.5),
        ["ReflectionPad1d"] = () => ReflectionPad1d(2),
        ["ReflectionPad2d"] = () => ReflectionPad2d((1, 1, 2, 0)),
        ["ReflectionPad3d"] = () => ReflectionPad3d(1),
        ["ReplicationPad1d"] = () => ReplicationPad1d((3, 1)),
        ["ReplicationPad2d"] = () => ReplicationPad2d((1, 1, 2, 0)),
        ["ReplicationPad3d"] = () => ReplicationPad3d(3),
        ["ZeroPad2d"] = () => ZeroPad2d((1, 1, 2, 0)),
        ["Embedding"] = () => Embedding(10, 3),
        ["EmbeddingBag"] = () => EmbeddingBag(10, 3),
        ["RNN"] = () => RNN(10, 20),
        ["RNN_all"] = () => RNN(10, 20, numLayers: 2, bias: false, batchFirst: true, bidirectional: true),
        ["LSTM"] = () => LSTM(10, 20, numLayers: 2, batchFirst: true),
        ["GRU"] = () => GRU(10, 20, numLayers: 3, bidirectional: true),
        ["RNNCell"] = () => RNNCell(10, 20),
        ["RNNCell_nobias"] = () => RNNCell(10, 20, bias: false),
        ["LSTMCell"] = () => LSTMCell(10, 20, bias: false),
        ["GRUCell"] = () => GRUCell(10, 20),
        ["MultiheadAttention"] = () => MultiheadAttention(16, 4),
        ["MultiheadAttention_nobias"] = () => MultiheadAttention(16, 4, bias: false),
        ["TransformerEncoderLayer"] = () => TransformerEncoderLayer(d_model: 16, nhead: 4, dim_feedforward: 32),
        ["TransformerDecoderLayer"] = () => TransformerDecoderLayer(d_model: 16, nhead: 4, dim_feedforward: 32),
        ["TransformerEncoder"] = () => TransformerEncoder(TransformerEncoderLayer(d_model: 16, nhead: 4, dim_feedforward: 32), 2),
        ["TransformerDecoder"] = () => TransformerDecoder(TransformerDecoderLayer(d_model: 16, nhead: 4, dim_feedforward: 32), 3),
        ["Transformer"] = () => Transformer(d_model: 16, nhead: 4, num_encoder_layers: 1, num_decoder_layers: 2, dim_feedforward: 32),
        ["CosineSimilarity"] = () => CosineSimilarity(dim: 0, eps: 1e-06),
        ["PairwiseDistance"] = () => PairwiseDistance(p: 1.0),
        ["CrossEntropyLoss"] = () => CrossEntropyLoss(ignore_index: 3),
        ["BCELoss"] = () => BCELoss(),
        ["BCEWithLogitsLoss"] = () => BCEWithLogitsLoss(),
        ["CosineEmbeddingLoss"] = () => CosineEmbeddingLoss(margin: 0.5),
        ["CTCLoss"] = () => CTCLoss(),
        ["HingeEmbeddingLoss"] = () => HingeEmbeddingLoss(),
        ["HuberLoss"] = () => HuberLoss(delta: 2.0),
        ["MarginRankingLoss"] = () => MarginRankingLoss(),
        ["MultiLabelMarginLoss"] = () => MultiLabelMarginLoss(),
        ["MultiLabelSoftMarginLoss"] = () => MultiLabelSoftMarginLoss(),
        ["MultiMarginLoss"] = () => MultiMarginLoss(),
        ["MSELoss"] = () => MSELoss(Reduction.Sum),
        ["L1Loss"] = () => L1Loss(),
        ["NLLLoss"] = () => NLLLoss(),
        ["PoissonNLLLoss"] = () => PoissonNLLLoss(),
        ["GaussianNLLLoss"] = () => GaussianNLLLoss(),
        ["KLDivLoss"] = () => KLDivLoss(),
        ["SmoothL1Loss"] = () => SmoothL1Loss(),
        ["SoftMarginLoss"] = () => SoftMarginLoss(),
        ["TripletMarginLoss"] = () => TripletMarginLoss(),
        ["TripletMarginWithDistanceLoss"] = () => TripletMarginWithDistanceLoss(),
        ["TripletMarginWithDistanceLoss_custom"] = () => TripletMarginWithDistanceLoss((a, b) => (a - b).abs().sum(-1)),
        ["ParameterList_one"] = () => ParameterList(new Parameter(torch.zeros(3, 4))),
        ["ParameterList_two"] = () => ParameterList(new Parameter(torch.zeros(3, 4)), new Parameter(torch.zeros(5, dtype: torch.float64))),
        ["ParameterList_scalar"] = () => ParameterList(new Parameter(torch.zeros(Array.Empty<long>()))),
        ["ParameterDict"] = () => ParameterDict(("left", new Parameter(torch.zeros(5, 10))), ("right", new Parameter(torch.zeros(2, dtype: torch.float64)))),
        ["ParameterList_empty"] = () => ParameterList(),
        ["Sequential_empty"] = () => Sequential(),
        ["Sequential_shared"] = () => { var l = Linear(2, 2); return Sequential(l, l); },
        ["ModuleDict"] = () => ModuleDict<Module>(("choices", Conv2d(10, 10, 3)), ("pool", MaxPool2d(3))),
    };

    private static readonly Dictionary<string, Func<Module>> Models = new()
    {
        ["MyModel"] = () => new MyModel(),
        ["Seq"] = GoldenModels.Seq,
        ["SimpleModel1"] = () => new SimpleModel1(),
        ["SimpleModel2"] = () => new SimpleModel2(),
        ["SharedModules"] = () => new SharedModules(),
        ["Containers"] = () => new Containers(),
        ["WithBuffers"] = () => new WithBuffers(),
        ["Custom"] = () => new Custom(),
        ["Scaled"] = () => new Scaled(),
        ["Runs"] = () => new Runs(),
        ["resnet18"] = () => new TorchModel.Tests.Models.ResNet18Mirror.ResNet(),
        ["vgg11_bn"] = () => torchvision.models.vgg11_bn(),
    };

    public static TheoryData<string> LayerCases() => new(GoldenIds("layers"));

    public static TheoryData<string> ModelCases() => new(GoldenIds("models"));

    private static string[] GoldenIds(string section)
        => Golden.Load("repr.json").GetProperty(section).EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void CaseTables_MirrorTheGenerator()
    {
        Layers.Keys.Order().ShouldBe(GoldenIds("layers").Order());
        Models.Keys.Order().ShouldBe(GoldenIds("models").Order());
    }

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void Layer_ReprEqualsPyTorch(string id)
    {
        var golden = Golden.Load("repr.json").GetProperty("layers").GetProperty(id);
        Layers.ShouldContainKey(id, $"repr.json has layer '{id}' but the C# case table has no mirror of it");
        using var module = Layers[id]();
        module.Repr().ShouldBe(golden.GetProperty("repr").GetString(), golden.GetProperty("python").GetString());
        module.ExtraRepr().ShouldBe(golden.GetProperty("extra_repr").GetString());
    }

    [Theory]
    [MemberData(nameof(ModelCases))]
    public void Model_ReprEqualsPyTorch(string name)
    {
        Models.ShouldContainKey(name, $"repr.json has model '{name}' but the C# case table has no mirror of it");
        using var model = Models[name]();
        model.Repr().ShouldBe(Golden.Load("repr.json").GetProperty("models").GetProperty(name).GetString());
    }
}
