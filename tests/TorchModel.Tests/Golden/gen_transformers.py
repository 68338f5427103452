"""Transformer-era goldens (issue #14): transformers.json.

Three models, mirrored by tests/TorchModel.Tests/Models/TransformerModels.cs:
- NativeZoo: every layer TorchSharp implements natively with child modules (MultiheadAttention with and
  without kdim/vdim and bias_kv (kdim == vdim: libtorch's C++ forward asserts key.sizes() == value.sizes(),
  so a TorchSharp MultiheadAttention with kdim != vdim cannot run; gen_state's NativeLayers walks one), TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder,
  TransformerDecoder, Transformer), called in one forward;
- Gpt: a GPT-2-style decoder (token + position embeddings, pre-norm blocks with MultiheadAttention and a
  causal mask, lm_head tied to the token embedding) fed token IDs;
- Bert: a BERT-style encoder (word/position/token-type embeddings, nn.TransformerEncoder, pooler,
  classifier) fed token IDs and token types.

For each: the walks and lookups of gen_traversal.describe, module pattern matches, what Freeze by module
pattern leaves trainable, and torchinfo's summary rows.

torchinfo is not installable here (no PyPI, not in Debian), so `torchinfo_summary` below re-implements the
algorithm of torchinfo's current source (torchinfo/torchinfo.py, layer_info.py, model_statistics.py):
- hooks on every module; a row per call, appended when the call starts; a row's depth is the module's depth
  in the module tree (not the call nesting); containers that are never called themselves (ModuleList)
  are inserted above their first called descendant (add_missing_container_layers);
- input/output size: the first tensor of the positional inputs / of the output (a tuple's first element),
  output bytes = element size x elements;
- Param # = named_parameters() of the module (recursive, de-duplicated); leftover = params minus what
  descendant rows account for (torchinfo's _leftover); "(recursive)" when every parameter the module owns
  directly was counted by an earlier row; totals from the root;
- mult-adds of every called module from its named_parameters(): "weight"/"bias" of a convolution:
  numel x out[0] x prod(out[2:]); of a linear layer: numel x prod(out[:-1]); of any other module:
  numel x out[0]; other names containing "weight" or "bias" (in_proj_weight, weight_ih_l0, 0.weight):
  numel x prod(out[:2]); only leaf modules count towards the total; forward/backward size = 2 x output
  bytes of the leaf rows that have parameters.
One deliberate difference: torchinfo picks the convolution/linear rule by class-name substring ("Conv" in
the name, "Linear" in the name), so a user's MyConvBlock counts as a convolution; here (and in TorchModel)
the rule is chosen by module type (subclasses of _ConvNd; of Linear or Bilinear). For every model below
both give the same numbers (the check at the end of `torchinfo_summary` asserts it).

PyTorch 1.13 versus 2.x: the module trees, parameter names and the forward calls these layers make are the
same (batch_first=False keeps 2.x's fast paths off, as TorchSharp's layers are sequence-first), so nothing
needs emulating beyond gen_traversal's named_members_2x.
"""
import math
import re

import torch
import torch.nn as nn

from gen_traversal import describe

EMULATES_2X = [
    'named_parameters/named_buffers(remove_duplicate=...): 1.13 lacks the argument; gen_traversal.named_members_2x is 2.x Module._named_members',
    'torchinfo (current source, written for 2.x) re-implemented: per-call rows, tree depth, containers inserted, leftover, mult-adds',
]


class NativeZoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(8, 2, kdim=4, vdim=4)
        self.mha_kv = nn.MultiheadAttention(8, 2, add_bias_kv=True)
        self.enc_layer = nn.TransformerEncoderLayer(8, 2, 16)
        self.dec_layer = nn.TransformerDecoderLayer(8, 2, 16)
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2, enable_nested_tensor=False)
        self.decoder = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), 2)
        self.transformer = nn.Transformer(8, 2, 1, 1, 16)

    def forward(self, src, tgt):
        x = self.mha(tgt, src[:, :, :4], src[:, :, :4])[0]
        x = self.mha_kv(x, x, x)[0]
        m = self.enc_layer(src)
        x = self.dec_layer(x, m)
        m = self.encoder(m)
        x = self.decoder(x, m)
        return self.transformer(m, x)


class GptBlock(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads)
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x, mask):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))


class Gpt(nn.Module):
    def __init__(self, vocab=50, context=12, d=16, heads=2, layers=2):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(context, d)
        self.h = nn.ModuleList([GptBlock(d, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.wte.weight

    def forward(self, ids):
        t = ids.shape[1]
        x = (self.wte(ids) + self.wpe(torch.arange(t))).transpose(0, 1)
        mask = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
        for block in self.h:
            x = block(x, mask)
        return self.lm_head(self.ln_f(x.transpose(0, 1)))


class Bert(nn.Module):
    def __init__(self, vocab=40, context=10, d=16, heads=2, ff=32, layers=2):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, d)
        self.position_embeddings = nn.Embedding(context, d)
        self.token_type_embeddings = nn.Embedding(2, d)
        self.emb_norm = nn.LayerNorm(d)
        self.emb_dropout = nn.Dropout(0.1)
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, heads, ff), layers, enable_nested_tensor=False)
        self.pooler = nn.Linear(d, d)
        self.pooler_act = nn.Tanh()
        self.classifier = nn.Linear(d, 3)

    def forward(self, ids, token_types):
        t = ids.shape[1]
        x = self.word_embeddings(ids) + self.position_embeddings(torch.arange(t)) + self.token_type_embeddings(token_types)
        x = self.emb_dropout(self.emb_norm(x))
        x = self.encoder(x.transpose(0, 1))
        return self.classifier(self.pooler_act(self.pooler(x[0])))


# Inputs: shapes and dtypes of the forward arguments (token IDs are drawn in range).
CASES = {
    "NativeZoo": (NativeZoo, [((5, 2, 8), torch.float32), ((3, 2, 8), torch.float32)]),
    "Gpt": (Gpt, [((2, 6), torch.int64)]),
    "Bert": (Bert, [((2, 7), torch.int64), ((2, 7), torch.int64)]),
}

PATTERNS = ["**.norm1", "**.self_attn", "**.out_proj", "*.layers.*", "**.linear1", "h.*.attn", "**", "*",
            "transformer.encoder.**", "**.mlp.*", "encoder.layers.1.self_attn.out_proj"]


def pattern_matches(pattern, names):
    """TorchModel's path grammar (Selection/PathPattern.cs): '.'-separated segments, '*' one segment, '**' any."""
    parts = pattern.split(".")

    def match(p, n):
        if not p:
            return not n
        if p[0] == "**":
            return any(match(p[1:], n[i:]) for i in range(len(n) + 1))
        return bool(n) and (p[0] == "*" or p[0] == n[0]) and match(p[1:], n[1:])

    return [name for name in names if match(parts, name.split(".") if name else [])]


def is_conv(m):
    return isinstance(m, nn.modules.conv._ConvNd)


def is_linear(m):
    return isinstance(m, (nn.Linear, nn.Bilinear))


def first_size(value):
    """torchinfo's calculate_size: the tensor, or a sequence's first tensor (recursively)."""
    if value is None:
        return [], 0
    if isinstance(value, torch.Tensor):
        return list(value.shape), value.element_size()
    if isinstance(value, (list, tuple)) and value:
        return first_size(value[0])
    return [], 0


def macs_of(module, out, by_type):
    macs = 0
    cls = type(module).__name__
    for name, p in module.named_parameters():
        n = p.numel()
        if name in ("weight", "bias"):
            if (is_conv(module) if by_type else "Conv" in cls):
                macs += n * math.prod(out[:1] + out[2:])
            elif (is_linear(module) if by_type else "Linear" in cls):
                macs += n * math.prod(out[:-1])
            else:
                macs += out[0] * n
        elif "weight" in name or "bias" in name:
            macs += math.prod(out[:2]) * n
    return macs


def torchinfo_summary(model, inputs, by_type=True):
    infos = {}  # id(module) -> structural info (path, depth, parent)
    stack = [("", model, 0, None)]
    while stack:
        path, module, depth, parent = stack.pop()
        if id(module) in infos:
            continue
        infos[id(module)] = {"path": path, "depth": depth, "parent": parent, "module": module}
        stack += [((path + "." if path else "") + name, child, depth + 1, id(module))
                  for name, child in reversed(list(module._modules.items())) if child is not None]

    rows, running, handles = [], [], []

    def new_row(module, executed):
        info = infos[id(module)]
        params = list(module.parameters())
        return {"module": module, "path": info["path"], "class": type(module).__name__, "depth": info["depth"],
                "parent": info["parent"], "params": sum(p.numel() for p in params),
                "trainable": sum(p.numel() for p in params if p.requires_grad),
                "leaf": not any(True for _ in module.children()), "input_shape": None, "output_shape": None,
                "output_bytes": 0, "macs": 0, "macs_by_name": 0, "executed": executed}

    def pre(module, _inputs):
        row = new_row(module, True)
        rows.append(row)
        running.append(row)

    def post(module, inputs, output):
        row = running.pop()
        row["input_shape"], _ = first_size(inputs)
        row["output_shape"], elem = first_size(output)
        row["output_bytes"] = elem * math.prod(row["output_shape"])
        row["macs"] = macs_of(module, row["output_shape"], True)
        row["macs_by_name"] = macs_of(module, row["output_shape"], False)

    for m in model.modules():
        handles.append(m.register_forward_pre_hook(pre))
        handles.append(m.register_forward_hook(post))
    model.eval()
    with torch.no_grad():
        model(*inputs)
    for h in handles:
        h.remove()

    # add_missing_container_layers: a row's structural ancestors appear above it.
    result, current = [], {}
    for row in rows:
        chain, parent = [], row["parent"]
        while parent is not None and infos[parent]["depth"] > 0:
            chain.append(infos[parent]["module"])
            parent = infos[parent]["parent"]
        chain.reverse()
        for d in range(1, row["depth"]):
            ancestor = chain[d - 1]
            if (d not in current or current[d] is not ancestor) and not (result and result[-1]["module"] is ancestor):
                result.append(new_row(ancestor, False))
                current[d] = ancestor
        current[row["depth"]] = row["module"]
        d = row["depth"] + 1
        while d in current:
            current.pop(d)
            d += 1
        result.append(row)
    rows = result

    # depth-idx, children (the rows below up to the next row at the same depth or above).
    counters = {}
    for i, row in enumerate(rows):
        counters[row["depth"]] = counters.get(row["depth"], 0) + 1
        row["depth_index"] = counters[row["depth"]] if row["depth"] > 0 else 0
        j = i + 1
        while j < len(rows) and rows[j]["depth"] > row["depth"]:
            j += 1
        row["children"] = rows[i + 1:j]

    # "(recursive)": every directly owned parameter already counted by an earlier row.
    seen = set()
    for row in rows:
        direct = list(row["module"].parameters(recurse=False))
        new = False
        for p in direct:
            if id(p) not in seen:
                seen.add(id(p))
                new = True
        row["recursive"] = not new and any(p.numel() for p in direct)

    def leftover(row):
        total, done, children, i = row["params"], set(), row["children"], 0
        while i < len(children):
            child = children[i]
            if child["recursive"]:
                if id(child["module"]) not in done:
                    done.add(id(child["module"]))
                    total -= child["params"]
                i += 1
                while i < len(children) and children[i]["depth"] > child["depth"]:
                    i += 1
                continue
            done.add(id(child["module"]))
            total -= child["params"] if child["leaf"] else leftover(child)
            i += 1
        return total

    total_macs = sum(r["macs"] for r in rows if r["leaf"])
    assert total_macs == sum(r["macs_by_name"] for r in rows if r["leaf"]), "type and class-name rules differ"
    fb = sum(2 * r["output_bytes"] for r in rows if r["leaf"] and r["params"] > 0)
    ps = list(model.parameters())
    out_rows = [{"path": r["path"], "class": r["class"], "depth": r["depth"], "depth_index": r["depth_index"],
                 "input_shape": r["input_shape"] if r["executed"] else None,
                 "output_shape": r["output_shape"] if r["executed"] else None,
                 "params": r["params"], "trainable": r["trainable"], "leftover": leftover(r), "macs": r["macs"],
                 "leaf": r["leaf"], "recursive": r["recursive"]} for r in rows]
    if out_rows[0]["path"] != "" or out_rows[0]["depth"] != 0:
        raise AssertionError("the root is not the first row")
    return {
        "total_params": sum(p.numel() for p in ps),
        "trainable_params": sum(p.numel() for p in ps if p.requires_grad),
        "total_mult_adds": total_macs,
        "input_bytes": sum(x.numel() * x.element_size() for x in inputs),
        "forward_backward_bytes": fb,
        "param_bytes": sum(p.numel() * p.element_size() for p in ps),
        "rows": out_rows,
    }


def make_inputs(specs, vocab):
    inputs = []
    for shape, dtype in specs:
        if dtype == torch.int64:
            inputs.append(torch.randint(0, vocab, shape))
        else:
            inputs.append(torch.rand(*shape))
    return inputs


def frozen_by_module_pattern(model, pattern):
    names = [n for n, _ in model.named_modules()]
    for name in pattern_matches(pattern, names):
        for p in model.get_submodule(name).parameters():
            p.requires_grad_(False)
    return [n for n, p in model.named_parameters() if p.requires_grad]


def generate(write_json, here):
    traversal, patterns, summaries, freezes = {}, {}, {}, {}
    for name, (factory, specs) in CASES.items():
        model = factory()
        traversal[name] = describe(model)
        module_names = [n for n, _ in model.named_modules()]
        patterns[name] = [{"pattern": p, "modules": pattern_matches(p, module_names)} for p in PATTERNS]
        vocab = 2 if name == "Bert" else 10
        summaries[name] = {"inputs": [{"shape": list(s), "dtype": str(d)} for s, d in specs],
                           **torchinfo_summary(model, make_inputs(specs, vocab))}
        freezes[name] = {p: frozen_by_module_pattern(factory(), p) for p in ["**.self_attn", "**.norm1", "*"]}
    write_json("transformers.json", {"traversal": traversal, "patterns": patterns, "summary": summaries,
                                     "freeze_trainable": freezes})
