using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace TorchModel.Tests.Repr;

/// <summary>
/// The documented cases where TorchSharp does not keep what PyTorch prints (docs/repr-differences.md): each test
/// states what Repr() prints and the PyTorch text it differs from, so a change in behaviour is a visible diff.
/// </summary>
public sealed class ReprDifferencesTests
{
    public static TheoryData<string, Func<Module>, string> Cases() => new()
    {
        // id (Golden/repr.json "differences" holds PyTorch's text for the same arguments), module, what Repr() prints
        { "GroupNorm_noaffine", () => GroupNorm(3, 6, eps: 0.001, affine: false), "GroupNorm(3, ?, eps=0.001, affine=False)" },
        { "AdaptiveMaxPool3d", () => AdaptiveMaxPool3d([5, 7, 9]), "AdaptiveMaxPool3d(output_size=?)" },
        { "AdaptiveAvgPool2d_int", () => AdaptiveAvgPool2d(1), "AdaptiveAvgPool2d(output_size=(1, 1))" },
        { "MaxPool2d_equal_tuple", () => MaxPool2d([2, 2]), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)" },
        { "Embedding_options", () => Embedding(10, 3, padding_idx: 0, max_norm: 1.0), "Embedding(10, 3)" },
        { "EmbeddingBag_sum", () => EmbeddingBag(10, 3, mode: EmbeddingBagMode.Sum), "EmbeddingBag(10, 3, mode=mean)" },
        { "RNN_dropout", () => RNN(10, 20, numLayers: 2, dropout: 0.5), "RNN(10, 20, num_layers=2)" },
        { "RNNCell_relu", () => RNNCell(10, 20, NonLinearities.ReLU), "RNNCell(10, 20)" },
        { "Softplus_float_integral", () => Softplus(beta: 2.0), "Softplus(beta=2, threshold=20)" },
        { "Hardtanh_int", () => Hardtanh(-2, 2), "Hardtanh(min_val=-2.0, max_val=2.0)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Documented_ReprPrintsConventionNotPyTorchText(string id, Func<Module> create, string expected)
    {
        using var module = create();
        string text = module.Repr();
        text.ShouldBe(expected, id);
        text.ShouldNotBe(Golden.Load("repr.json").GetProperty("differences").GetProperty(id).GetString(), id);
    }

    [Fact]
    public void TransformerDropout_AssumesPyTorchDefault()
    {
        using var layer = TransformerEncoderLayer(d_model: 16, nhead: 4, dim_feedforward: 32, dropout: 0.2);
        string pytorch = Golden.Load("repr.json").GetProperty("differences").GetProperty("TransformerEncoderLayer_dropout").GetString()!;
        layer.Repr().ShouldBe(pytorch.Replace("p=0.2", "p=0.1", StringComparison.Ordinal));
    }
}
