"""repr.json: real PyTorch repr() for every layer type (non-default settings too) and for whole models.

Each case is (id, Python constructor expression). ReprTests.cs holds a table with the same ids and the
TorchSharp constructors that build the same module; the test compares Repr() with the text here byte for byte.

PyTorch 1.13 versus 2.x (our target is 2.x), recomputed here with the 2.x code:
- ModuleList.__repr__ (2.x) prints runs of equal consecutive entries as "(0-2): 3 x Block(...)";
  1.13 prints each entry. MODULELIST_REPR_2X below is the 2.x algorithm, installed before printing.
- Upsample.extra_repr (2.x) uses repr() for size/scale_factor and mode: "mode='nearest'"; 1.13 used str().
- ParameterList/ParameterDict (2.x) print a CUDA device as " (cuda:0)"; only CPU tensors are written here.
"""
import torch
import torch.nn as nn
import torchvision

import models

# PyTorch 2.x behaviours this generator emulates where Debian's PyTorch 1.13 differs (generate.py records them
# in the "_provenance" of each file it writes).
EMULATES_2X = [
    'ModuleList.__repr__ collapses runs of equal consecutive entries (MODULELIST_REPR_2X)',
    'Upsample.extra_repr uses repr() for size, scale_factor and mode (UPSAMPLE_EXTRA_REPR_2X)',
]


def _addindent(s_, num_spaces):
    s = s_.split("\n")
    if len(s) == 1:
        return s_
    first = s.pop(0)
    s = [(num_spaces * " ") + line for line in s]
    return first + "\n" + "\n".join(s)


def MODULELIST_REPR_2X(self):
    """PyTorch 2.x ModuleList.__repr__ (compresses runs of equal consecutive entries)."""
    list_of_reprs = [repr(item) for item in self]
    if len(list_of_reprs) == 0:
        return self._get_name() + "()"
    start_end_indices = [[0, 0]]
    repeated_blocks = [list_of_reprs[0]]
    for i, r in enumerate(list_of_reprs[1:], 1):
        if r == repeated_blocks[-1]:
            start_end_indices[-1][1] += 1
            continue
        start_end_indices.append([i, i])
        repeated_blocks.append(r)
    lines = []
    main_str = self._get_name() + "("
    for (start_id, end_id), b in zip(start_end_indices, repeated_blocks):
        local_repr = f"({start_id}): {b}"
        if start_id != end_id:
            n = end_id - start_id + 1
            local_repr = f"({start_id}-{end_id}): {n} x {b}"
        local_repr = _addindent(local_repr, 2)
        lines.append(local_repr)
    main_str += "\n  " + "\n  ".join(lines) + "\n"
    main_str += ")"
    return main_str


def UPSAMPLE_EXTRA_REPR_2X(self):
    """PyTorch 2.x Upsample.extra_repr."""
    if self.scale_factor is not None:
        info = "scale_factor=" + repr(self.scale_factor)
    else:
        info = "size=" + repr(self.size)
    info += ", mode=" + repr(self.mode)
    return info


class Custom(nn.Module):
    """A user module: class name, children, no extra_repr."""
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 4), nn.ReLU())
        self.head = nn.Linear(4, 2)


class Scaled(nn.Module):
    """A user module with its own extra_repr and a child."""
    def __init__(self):
        super().__init__()
        self.inner = nn.Linear(1, 1)

    def extra_repr(self):
        return "factor=2.0\nmode=fast"


class Runs(nn.Module):
    """ModuleList runs (2.x collapsing) next to a ModuleDict and a Sequential, which never collapse."""
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 4), nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4), nn.ReLU(), nn.ReLU()])
        self.one = nn.ModuleList([nn.ReLU()])
        self.empty = nn.ModuleList()
        self.heads = nn.ModuleDict({"a": nn.ReLU(), "b": nn.ReLU()})
        self.seq = nn.Sequential(nn.ReLU(), nn.ReLU())


def cases():
    """(id, constructor expression), evaluated with torch and nn in scope."""
    return [
        ("Linear", "nn.Linear(20, 30)"),
        ("Linear_nobias", "nn.Linear(20, 30, bias=False)"),
        ("Bilinear", "nn.Bilinear(20, 30, 40)"),
        ("Bilinear_nobias", "nn.Bilinear(20, 30, 40, bias=False)"),
        ("Identity", "nn.Identity()"),
        ("Flatten", "nn.Flatten()"),
        ("Flatten_dims", "nn.Flatten(0, 2)"),
        ("Unflatten", "nn.Unflatten(1, (2, 5, 5))"),
        ("Fold", "nn.Fold(output_size=(4, 5), kernel_size=(2, 3))"),
        ("Fold_scalar", "nn.Fold(output_size=4, kernel_size=2, dilation=1, padding=1, stride=2)"),
        ("Unfold", "nn.Unfold(kernel_size=(2, 3))"),
        ("Unfold_scalar", "nn.Unfold(kernel_size=2, dilation=2, padding=1, stride=2)"),
        ("PixelShuffle", "nn.PixelShuffle(3)"),
        ("PixelUnshuffle", "nn.PixelUnshuffle(3)"),
        ("ChannelShuffle", "nn.ChannelShuffle(2)"),
        ("Upsample_scale", "nn.Upsample(scale_factor=2.0)"),
        ("Upsample_scales", "nn.Upsample(scale_factor=(2.0, 3.0), mode='bilinear')"),
        ("Upsample_size", "nn.Upsample(size=(10, 20), mode='bicubic')"),
        ("Upsample_size1", "nn.Upsample(size=10)"),
        ("Conv1d", "nn.Conv1d(16, 33, 3)"),
        ("Conv1d_all", "nn.Conv1d(16, 33, 3, stride=2, padding=1, dilation=2, bias=False, padding_mode='reflect')"),
        ("Conv1d_same", "nn.Conv1d(16, 33, 3, padding='same')"),
        ("Conv1d_valid", "nn.Conv1d(16, 33, 3, padding='valid')"),
        ("Conv2d", "nn.Conv2d(16, 33, 3)"),
        ("Conv2d_rect", "nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))"),
        ("Conv2d_groups", "nn.Conv2d(16, 32, 3, padding=1, groups=4, padding_mode='circular')"),
        ("Conv2d_same", "nn.Conv2d(16, 33, 3, padding='same', padding_mode='replicate')"),
        ("Conv3d", "nn.Conv3d(16, 33, 3, stride=2)"),
        ("Conv3d_rect", "nn.Conv3d(16, 33, (3, 5, 2), stride=(2, 1, 1), padding=(4, 2, 0), bias=False)"),
        ("ConvTranspose1d", "nn.ConvTranspose1d(16, 33, 3, stride=2)"),
        ("ConvTranspose1d_all", "nn.ConvTranspose1d(16, 33, 3, stride=2, padding=1, output_padding=1, bias=False)"),
        ("ConvTranspose2d", "nn.ConvTranspose2d(16, 33, 3, stride=2)"),
        ("ConvTranspose2d_rect", "nn.ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=2, output_padding=(1, 0), groups=1)"),
        ("ConvTranspose3d", "nn.ConvTranspose3d(16, 33, 3, stride=2)"),
        ("BatchNorm1d", "nn.BatchNorm1d(100)"),
        ("BatchNorm2d_noaffine", "nn.BatchNorm2d(100, eps=0.001, momentum=0.3, affine=False, track_running_stats=False)"),
        ("BatchNorm3d", "nn.BatchNorm3d(100, momentum=0.01)"),
        ("InstanceNorm1d", "nn.InstanceNorm1d(100)"),
        ("InstanceNorm2d_affine", "nn.InstanceNorm2d(100, affine=True, track_running_stats=True)"),
        ("InstanceNorm3d", "nn.InstanceNorm3d(100, eps=1e-06)"),
        ("LayerNorm", "nn.LayerNorm(10)"),
        ("LayerNorm_shape", "nn.LayerNorm([5, 10, 10], eps=1e-06, elementwise_affine=False)"),
        ("GroupNorm", "nn.GroupNorm(3, 6)"),
        ("LocalResponseNorm", "nn.LocalResponseNorm(2)"),
        ("LocalResponseNorm_args", "nn.LocalResponseNorm(3, alpha=0.001, beta=0.5, k=2.0)"),
        ("Dropout", "nn.Dropout()"),
        ("Dropout_inplace", "nn.Dropout(0.2, inplace=True)"),
        ("Dropout1d", "nn.Dropout1d(0.3)"),
        ("Dropout2d", "nn.Dropout2d()"),
        ("Dropout3d", "nn.Dropout3d(0.1)"),
        ("AlphaDropout", "nn.AlphaDropout(0.2)"),
        ("FeatureAlphaDropout", "nn.FeatureAlphaDropout(0.2)"),
        ("CELU", "nn.CELU()"),
        ("CELU_args", "nn.CELU(0.5, inplace=True)"),
        ("ELU", "nn.ELU(alpha=2.0, inplace=True)"),
        ("GELU", "nn.GELU()"),
        ("GELU_tanh", "nn.GELU(approximate='tanh')"),
        ("GLU", "nn.GLU()"),
        ("GLU_dim", "nn.GLU(1)"),
        ("Hardshrink", "nn.Hardshrink()"),
        ("Hardshrink_lambd", "nn.Hardshrink(0.3)"),
        ("Hardsigmoid", "nn.Hardsigmoid()"),
        ("Hardswish", "nn.Hardswish()"),
        ("Hardtanh", "nn.Hardtanh()"),
        ("Hardtanh_args", "nn.Hardtanh(-2.0, 2.0, inplace=True)"),
        ("LeakyReLU", "nn.LeakyReLU()"),
        ("LeakyReLU_args", "nn.LeakyReLU(0.2, inplace=True)"),
        ("LogSigmoid", "nn.LogSigmoid()"),
        ("LogSoftmax", "nn.LogSoftmax(dim=1)"),
        ("Mish", "nn.Mish()"),
        ("Mish_inplace", "nn.Mish(inplace=True)"),
        ("PReLU", "nn.PReLU()"),
        ("PReLU_3", "nn.PReLU(3)"),
        ("RReLU", "nn.RReLU()"),
        ("RReLU_args", "nn.RReLU(0.1, 0.3, inplace=True)"),
        ("ReLU", "nn.ReLU()"),
        ("ReLU_inplace", "nn.ReLU(inplace=True)"),
        ("ReLU6", "nn.ReLU6(inplace=True)"),
        ("SELU", "nn.SELU()"),
        ("SiLU", "nn.SiLU(inplace=True)"),
        ("Sigmoid", "nn.Sigmoid()"),
        ("Softmax", "nn.Softmax(dim=-1)"),
        ("Softmax2d", "nn.Softmax2d()"),
        ("Softmin", "nn.Softmin(dim=1)"),
        ("Softplus", "nn.Softplus()"),
        ("Softplus_int", "nn.Softplus(beta=2, threshold=10)"),
        ("Softplus_float", "nn.Softplus(beta=0.5, threshold=10.5)"),
        ("Softshrink", "nn.Softshrink()"),
        ("Softsign", "nn.Softsign()"),
        ("Tanh", "nn.Tanh()"),
        ("Tanhshrink", "nn.Tanhshrink()"),
        ("Threshold", "nn.Threshold(0.1, 20)"),
        ("Threshold_inplace", "nn.Threshold(0.5, 2.5, inplace=True)"),
        ("AdaptiveAvgPool1d", "nn.AdaptiveAvgPool1d(5)"),
        ("AdaptiveAvgPool2d", "nn.AdaptiveAvgPool2d((5, 7))"),
        ("AdaptiveAvgPool2d_square", "nn.AdaptiveAvgPool2d((1, 1))"),
        ("AdaptiveAvgPool3d", "nn.AdaptiveAvgPool3d((5, 7, 9))"),
        ("AdaptiveMaxPool1d", "nn.AdaptiveMaxPool1d(5)"),
        ("AdaptiveMaxPool2d", "nn.AdaptiveMaxPool2d((5, 7))"),
        ("AdaptiveMaxPool2d_square", "nn.AdaptiveMaxPool2d((2, 2))"),
        ("AvgPool1d", "nn.AvgPool1d(3)"),
        ("AvgPool1d_args", "nn.AvgPool1d(3, stride=2, padding=1)"),
        ("AvgPool2d", "nn.AvgPool2d(3)"),
        ("AvgPool2d_rect", "nn.AvgPool2d((3, 2), stride=(2, 1))"),
        ("AvgPool3d", "nn.AvgPool3d(3, stride=2, padding=1)"),
        ("FractionalMaxPool2d", "nn.FractionalMaxPool2d(3, output_size=(13, 12))"),
        ("FractionalMaxPool3d", "nn.FractionalMaxPool3d(3, output_ratio=(0.5, 0.5, 0.5))"),
        ("LPPool1d", "nn.LPPool1d(2, 3)"),
        ("LPPool1d_args", "nn.LPPool1d(2.5, 3, stride=2, ceil_mode=True)"),
        ("LPPool2d", "nn.LPPool2d(2, 3)"),
        ("LPPool2d_rect", "nn.LPPool2d(1.2, (3, 2), stride=(2, 1))"),
        ("MaxPool1d", "nn.MaxPool1d(3)"),
        ("MaxPool1d_args", "nn.MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True)"),
        ("MaxPool2d", "nn.MaxPool2d(3)"),
        ("MaxPool2d_rect", "nn.MaxPool2d((3, 2), stride=(2, 1))"),
        ("MaxPool2d_resnet", "nn.MaxPool2d(kernel_size=3, stride=2, padding=1)"),
        ("MaxPool3d", "nn.MaxPool3d(3, stride=2, padding=1, dilation=2, ceil_mode=True)"),
        ("MaxUnpool1d", "nn.MaxUnpool1d(2)"),
        ("MaxUnpool2d", "nn.MaxUnpool2d(2, stride=(2, 1))"),
        ("MaxUnpool3d", "nn.MaxUnpool3d(3)"),
        ("ConstantPad1d", "nn.ConstantPad1d(2, 3.5)"),
        ("ConstantPad1d_int", "nn.ConstantPad1d((3, 1), 0)"),
        ("ConstantPad2d", "nn.ConstantPad2d((3, 0, 2, 1), 3.5)"),
        ("ConstantPad3d", "nn.ConstantPad3d(3, 3.5)"),
        ("ReflectionPad1d", "nn.ReflectionPad1d(2)"),
        ("ReflectionPad2d", "nn.ReflectionPad2d((1, 1, 2, 0))"),
        ("ReflectionPad3d", "nn.ReflectionPad3d(1)"),
        ("ReplicationPad1d", "nn.ReplicationPad1d((3, 1))"),
        ("ReplicationPad2d", "nn.ReplicationPad2d((1, 1, 2, 0))"),
        ("ReplicationPad3d", "nn.ReplicationPad3d(3)"),
        ("ZeroPad2d", "nn.ZeroPad2d((1, 1, 2, 0))"),
        ("Embedding", "nn.Embedding(10, 3)"),
        ("EmbeddingBag", "nn.EmbeddingBag(10, 3)"),
        ("RNN", "nn.RNN(10, 20)"),
        ("RNN_all", "nn.RNN(10, 20, num_layers=2, bias=False, batch_first=True, bidirectional=True)"),
        ("LSTM", "nn.LSTM(10, 20, num_layers=2, batch_first=True)"),
        ("GRU", "nn.GRU(10, 20, num_layers=3, bidirectional=True)"),
        ("RNNCell", "nn.RNNCell(10, 20)"),
        ("RNNCell_nobias", "nn.RNNCell(10, 20, bias=False)"),
        ("LSTMCell", "nn.LSTMCell(10, 20, bias=False)"),
        ("GRUCell", "nn.GRUCell(10, 20)"),
        ("MultiheadAttention", "nn.MultiheadAttention(16, 4)"),
        ("MultiheadAttention_nobias", "nn.MultiheadAttention(16, 4, bias=False)"),
        ("TransformerEncoderLayer", "nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32)"),
        ("TransformerDecoderLayer", "nn.TransformerDecoderLayer(d_model=16, nhead=4, dim_feedforward=32)"),
        ("TransformerEncoder", "nn.TransformerEncoder(nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32), num_layers=2, enable_nested_tensor=False)"),
        ("TransformerDecoder", "nn.TransformerDecoder(nn.TransformerDecoderLayer(d_model=16, nhead=4, dim_feedforward=32), num_layers=3)"),
        ("Transformer", "nn.Transformer(d_model=16, nhead=4, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=32)"),
        ("CosineSimilarity", "nn.CosineSimilarity(dim=0, eps=1e-06)"),
        ("PairwiseDistance", "nn.PairwiseDistance(p=1.0)"),
        ("CrossEntropyLoss", "nn.CrossEntropyLoss(ignore_index=3)"),
        ("BCELoss", "nn.BCELoss()"),
        ("BCEWithLogitsLoss", "nn.BCEWithLogitsLoss()"),
        ("CosineEmbeddingLoss", "nn.CosineEmbeddingLoss(margin=0.5)"),
        ("CTCLoss", "nn.CTCLoss()"),
        ("HingeEmbeddingLoss", "nn.HingeEmbeddingLoss()"),
        ("HuberLoss", "nn.HuberLoss(delta=2.0)"),
        ("MarginRankingLoss", "nn.MarginRankingLoss()"),
        ("MultiLabelMarginLoss", "nn.MultiLabelMarginLoss()"),
        ("MultiLabelSoftMarginLoss", "nn.MultiLabelSoftMarginLoss()"),
        ("MultiMarginLoss", "nn.MultiMarginLoss()"),
        ("MSELoss", "nn.MSELoss(reduction='sum')"),
        ("L1Loss", "nn.L1Loss()"),
        ("NLLLoss", "nn.NLLLoss()"),
        ("PoissonNLLLoss", "nn.PoissonNLLLoss()"),
        ("GaussianNLLLoss", "nn.GaussianNLLLoss()"),
        ("KLDivLoss", "nn.KLDivLoss()"),
        ("SmoothL1Loss", "nn.SmoothL1Loss()"),
        ("SoftMarginLoss", "nn.SoftMarginLoss()"),
        ("TripletMarginLoss", "nn.TripletMarginLoss()"),
        ("TripletMarginWithDistanceLoss", "nn.TripletMarginWithDistanceLoss()"),
        ("TripletMarginWithDistanceLoss_custom", "nn.TripletMarginWithDistanceLoss(distance_function=lambda a, b: (a - b).abs().sum(-1))"),
        ("ParameterList_one", "nn.ParameterList([nn.Parameter(torch.zeros(3, 4))])"),
        ("ParameterList_two", "nn.ParameterList([nn.Parameter(torch.zeros(3, 4)), nn.Parameter(torch.zeros(5, dtype=torch.float64))])"),
        ("ParameterList_scalar", "nn.ParameterList([nn.Parameter(torch.zeros(()))])"),
        ("ParameterDict", "nn.ParameterDict({'left': nn.Parameter(torch.zeros(5, 10)), 'right': nn.Parameter(torch.zeros(2, dtype=torch.float64))})"),
        ("ParameterList_empty", "nn.ParameterList()"),
        ("Sequential_empty", "nn.Sequential()"),
        ("Sequential_shared", "(lambda l: nn.Sequential(l, l))(nn.Linear(2, 2))"),
        ("ModuleDict", "nn.ModuleDict({'choices': nn.Conv2d(10, 10, 3), 'pool': nn.MaxPool2d(3)})"),
    ]


def difference_cases():
    """Arguments TorchSharp does not keep (docs/repr-differences.md): PyTorch's text, to show what differs."""
    return [
        ("GroupNorm_noaffine", "nn.GroupNorm(3, 6, eps=0.001, affine=False)"),
        ("AdaptiveMaxPool3d", "nn.AdaptiveMaxPool3d((5, 7, 9))"),
        ("AdaptiveAvgPool2d_int", "nn.AdaptiveAvgPool2d(1)"),
        ("MaxPool2d_equal_tuple", "nn.MaxPool2d((2, 2))"),
        ("Embedding_options", "nn.Embedding(10, 3, padding_idx=0, max_norm=1.0)"),
        ("EmbeddingBag_sum", "nn.EmbeddingBag(10, 3, mode='sum')"),
        ("RNN_dropout", "nn.RNN(10, 20, num_layers=2, dropout=0.5)"),
        ("RNNCell_relu", "nn.RNNCell(10, 20, nonlinearity='relu')"),
        ("Softplus_float_integral", "nn.Softplus(beta=2.0)"),
        ("Hardtanh_int", "nn.Hardtanh(-2, 2)"),
        ("TransformerEncoderLayer_dropout", "nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, dropout=0.2)"),
    ]


def model_cases():
    return [
        ("MyModel", models.MyModel),
        ("Seq", models.seq),
        ("SimpleModel1", models.SimpleModel1),
        ("SimpleModel2", models.SimpleModel2),
        ("SharedModules", models.SharedModules),
        ("Containers", models.Containers),
        ("WithBuffers", models.WithBuffers),
        ("Custom", Custom),
        ("Scaled", Scaled),
        ("Runs", Runs),
        ("resnet18", lambda: torchvision.models.resnet18()),
        ("vgg11_bn", lambda: torchvision.models.vgg11_bn()),
    ]


def generate(write_json, here):
    nn.ModuleList.__repr__ = MODULELIST_REPR_2X
    nn.Upsample.extra_repr = UPSAMPLE_EXTRA_REPR_2X
    layers = {}
    for case_id, expr in cases():
        module = eval(expr, {"torch": torch, "nn": nn})
        layers[case_id] = {"python": expr, "repr": repr(module), "extra_repr": module.extra_repr()}
    differences = {case_id: repr(eval(expr, {"torch": torch, "nn": nn})) for case_id, expr in difference_cases()}
    whole = {name: repr(factory()) for name, factory in model_cases()}
    # Python's float repr (what extra_repr prints for floats): input as '%.17g' (exact in C#), output repr().
    values = [1e-05, 1e-06, 1e-08, 1e-12, 0.0001, 0.001, 0.1, 0.3333333333333333, 2.0, -1.0, 20.0, 0.5,
              1000000000000000.0, 1e16, 1.5e16, 1e22, 5e-324, -0.0, 0.0, 123456789.123, 0.125, 1.2, 2.5e-05,
              1e-4 * 3, 9999999999999998.0, 1.7976931348623157e308, -2.5e-07, 65504.0, 0.00011]
    floats = [["%.17g" % v, repr(v)] for v in values]
    write_json("repr.json", {"layers": layers, "models": whole, "differences": differences, "floats": floats})
