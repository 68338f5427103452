"""Port check fixtures (issue #19): two small models built and captured by real PyTorch with the repository's own
tools/capture_outputs.py, so the C# tests and the PortCheck sample compare their ports against the original.

Run through generate.py. For each model it writes, to ../Fixtures/portcheck/ (and the sample's to
samples/PortCheck/data/):
  <model>.weights.safetensors  the state_dict, loaded by the C# twin so both sides hold identical weights
  <model>.input.safetensors    the forward's arguments, in order
  <model>.capture.safetensors  capture_outputs.capture(...) of one forward pass, names and order as the tool writes them
and portcheck.json (here) with the capture settings and the names in order.

PyTorch 1.13 versus 2.x: forward hooks, named_modules() and every layer used here behave the same. The weights are
initialized explicitly (GPT-style normal(0, 0.02) for linear layers) so that nothing depends on version defaults.
"""
import os
import sys

import torch
import torch.nn as nn

EMULATES_2X = []  # forward hooks, named_modules() and the layers used behave the same in 1.13 and 2.x

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tools"))

import capture_outputs  # noqa: E402


class ConvBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(ConvBlock(3, 8), nn.MaxPool2d(2), ConvBlock(8, 16), nn.AdaptiveAvgPool2d(1))
        self.head = nn.Linear(16, 5)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, c = x.shape
        h = self.heads
        qkv = self.qkv(x).reshape(b, t, 3, h, c // h).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = ((q @ k.transpose(-2, -1)) * (c // h) ** -0.5).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c)
        return self.proj(y), att


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, 2 * dim)

    def forward(self, x):
        y, _ = self.attn(self.norm1(x))
        x = x + y
        return x + self.mlp(self.norm2(x))


class TinyTransformer(nn.Module):
    """A pre-norm transformer encoder on feature vectors; `drop` is called twice (drop, drop_1) and attn returns a
    tuple (attn[0], attn[1]), so the capture exercises the call-suffix and flattening rules."""

    def __init__(self, features=6, dim=16, heads=4, depth=2, classes=3, tokens=5):
        super().__init__()
        self.embed = nn.Linear(features, dim)
        self.pos = nn.Parameter(torch.zeros(1, tokens, dim))
        self.drop = nn.Dropout(0.1)
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.drop(self.embed(x) + self.pos)
        for block in self.blocks:
            x = block(x)
        return self.head(self.drop(self.norm(x)))


def init_weights(model):
    for name, p in model.named_parameters():
        if name.endswith("weight") and p.dim() == 1:  # norms
            nn.init.normal_(p, 1.0, 0.1)
        elif p.dim() == 4:  # convolutions
            nn.init.normal_(p, 0.0, 0.3)
        else:
            nn.init.normal_(p, 0.0, 0.02)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.normal_(0.0, 0.2)
            module.running_var.uniform_(0.5, 1.5)
    return model


def write_case(folder, stem, model, inputs, include_inputs):
    os.makedirs(folder, exist_ok=True)
    capture_outputs.save_file(model.state_dict(), os.path.join(folder, stem + ".weights.safetensors"))
    capture_outputs.save_file({"input%d" % i: t for i, t in enumerate(inputs)}, os.path.join(folder, stem + ".input.safetensors"))
    captured = capture_outputs.capture(model, inputs, ["**"], include_inputs=include_inputs)
    capture_outputs.save_file(captured, os.path.join(folder, stem + ".capture.safetensors"))
    print("wrote", os.path.relpath(os.path.join(folder, stem + ".*"), REPO), len(captured), "tensors")
    return {"include_inputs": include_inputs, "names": list(captured)}


def generate(write_json, here):
    fixtures = os.path.join(here, "..", "Fixtures", "portcheck")
    torch.manual_seed(19)
    cnn = init_weights(SmallCnn())
    result = {"cnn": write_case(fixtures, "cnn", cnn, (torch.randn(2, 3, 12, 12),), include_inputs=False)}
    torch.manual_seed(20)
    transformer = init_weights(TinyTransformer())
    result["transformer"] = write_case(fixtures, "transformer", transformer, (torch.randn(2, 5, 6),), include_inputs=True)
    write_json("portcheck.json", result)

    # The sample ports the same transformer from its own weights and inputs, capturing outputs only.
    torch.manual_seed(21)
    sample = init_weights(TinyTransformer())
    write_case(os.path.join(REPO, "samples", "PortCheck", "data"), "tiny_transformer", sample, (torch.randn(2, 5, 6),), include_inputs=False)
