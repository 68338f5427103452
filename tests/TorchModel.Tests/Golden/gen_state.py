"""state_dict / load_state_dict goldens (issue #4): state.json.

For every model: the state_dict keys, shapes and dtypes in order (with and without the prefix "model."),
which keep_vars=True values are the model's Parameter objects, and the outcome (error text, or the
returned _IncompatibleKeys printed) of loads built from the model's own state_dict by the generic
recipes in bad_loads(), which tests/TorchModel.Tests/Infrastructure/StateGolden.cs applies the same way in C#.

PyTorch 1.13 versus 2.x: state_dict order and load_state_dict's visit order, key checks, 0-dim shim,
size-mismatch rule and message assembly are the same in both (2.x filters the dict per child, 1.13 per
prefix test; the reported keys and their order are identical). 1.13 copies what it can before raising,
so every load below runs on a fresh model.
"""
import collections

import torch
import torch.nn as nn
import torchvision

from models import models

# PyTorch 2.x behaviours this generator emulates where Debian's PyTorch 1.13 differs (generate.py records them
# in the "_provenance" of each file it writes).
EMULATES_2X = [
    "PyTorch >= 2.4's unexpected-key rule (a key continuing past a parameter, e.g. 'fc1.weight.extra', or ending at a child module name is unexpected; 1.13 ignored both), patched into nn.Module._load_from_state_dict",
    "PyTorch 2.x's consume_prefix_in_state_dict_if_present (keys visited in dict order; 1.13 sorts them first) in state_prefix.json",
]

PREFIX = "model."


def _load_from_state_dict_2x(original):
    """PyTorch >= 2.4's unexpected-key rule, emulated on 1.13 (issue #11): a key that continues past a name must
    continue past a child module ('fc1.weight.bad_suffix' is unexpected, 1.13 ignored it), and a key that ends at a
    name must end at an own parameter or persistent buffer. The unexpected keys 1.13's rule appends for a module
    are replaced by the 2.x rule's (none of these models has extra state)."""
    def patched(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        before = len(unexpected_keys)
        original(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        del unexpected_keys[before:]
        if not strict:
            return
        persistent = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set and v is not None}
        local_state = {**{k: v for k, v in self._parameters.items() if v is not None}, **persistent}
        extra_state_key = prefix + "_extra_state"
        for key in state_dict.keys():
            if key.startswith(prefix) and key != extra_state_key:
                input_name = key[len(prefix):].split(".", 1)
                if len(input_name) > 1:
                    if input_name[0] not in self._modules:
                        unexpected_keys.append(key)
                elif input_name[0] not in local_state:
                    unexpected_keys.append(key)
    return patched


nn.Module._load_from_state_dict = _load_from_state_dict_2x(nn.Module._load_from_state_dict)


def consume_prefix_2x(entries, prefix):
    """torch.nn.modules.utils.consume_prefix_in_state_dict_if_present as PyTorch 2.x has it: keys in dict order
    (1.13 sorts them first), each stripped key popped and re-inserted, so a stripped key that already exists keeps its
    place and takes the stripped entry's value. Returns (key, index of the source entry) pairs in order."""
    d = collections.OrderedDict((k, i) for i, (k, _) in enumerate(entries))
    for key in list(d.keys()):
        if key.startswith(prefix):
            d[key[len(prefix):]] = d.pop(key)
    return [[k, i] for k, i in d.items()]


PREFIX_CASES = [
    ("ddp", ["module.conv1.weight", "module.conv1.bias", "module.fc.weight"], "module."),
    ("mixed", ["module.a", "b", "module.c", "d"], "module."),
    ("collision_after", ["w", "module.w", "x"], "module."),
    ("collision_before", ["module.w", "w", "x"], "module."),
    ("double", ["module.module.x", "module.x", "y"], "module."),
    ("none", ["a", "b"], "module."),
    ("empty_prefix", ["b", "a"], ""),
]


def owner(key):
    """The module path of a state key ('' for the root's own entries)."""
    return key.rsplit(".", 1)[0] if "." in key else ""


def under(path, name):
    return path + "." + name if path else name


def mismatched(t):
    """The same tensor with its first dimension one longer (a 0-dim tensor becomes shape [2])."""
    shape = list(t.shape)
    shape = [shape[0] + 1] + shape[1:] if shape else [2]
    return torch.zeros(shape, dtype=t.dtype)


def bad_loads(sd):
    """(case, entries) pairs built from a state_dict; mirrored by StateGolden.BadLoads in C#."""
    keys = list(sd.keys())
    cases = [("same", list(sd.items()))]
    if len(keys) >= 2:
        cases.append(("drop_second", [(k, v) for k, v in sd.items() if k != keys[1]]))
    extras = [(under(owner(keys[-1]), "zz"), torch.zeros(1)),
              ("bogus.weight", torch.zeros(1)),
              (keys[0] + ".extra", torch.zeros(1)),
              ("aa", torch.zeros(1))]
    if owner(keys[0]):
        extras.append((owner(keys[0]).split(".")[0], torch.zeros(1)))
    if under(owner(keys[0]), "zz") != extras[0][0]:
        extras.append((under(owner(keys[0]), "zz"), torch.zeros(1)))
    cases.append(("unexpected", list(sd.items()) + extras))
    first_shaped = next(k for k in keys if sd[k].dim() >= 1)
    cases.append(("size_mismatch", [(k, mismatched(v) if k == first_shaped else v) for k, v in sd.items()]))
    broadcastable = next((k for k in keys if sd[k].dim() == 1 and sd[k].shape[0] > 1), None)
    if broadcastable is not None:
        cases.append(("broadcastable", [(k, torch.zeros(1, dtype=v.dtype) if k == broadcastable else v) for k, v in sd.items()]))
    scalar = next((k for k in keys if sd[k].dim() == 0), None)
    if scalar is not None:
        cases.append(("scalar_as_1d", [(k, v.reshape(1) if k == scalar else v) for k, v in sd.items()]))
    last_shaped = [k for k in keys if sd[k].dim() >= 1][-1]
    everything = [(k, mismatched(v) if k in (first_shaped, last_shaped) else v) for k, v in sd.items() if len(keys) < 2 or k != keys[1]]
    cases.append(("everything", everything + extras))
    return cases


def load(factory, entries, strict):
    model = factory()
    try:
        result = model.load_state_dict(dict(entries), strict=strict)
    except RuntimeError as e:
        return {"strict": strict, "error": str(e)}
    return {"strict": strict, "result": str(result),
            "missing": list(result.missing_keys), "unexpected": list(result.unexpected_keys)}


def describe(factory):
    model = factory()
    sd = model.state_dict()
    kept = model.state_dict(keep_vars=True)
    params = {id(p) for p in model.parameters()}
    loads = []
    for case, entries in bad_loads(sd):
        for strict in (True, False):
            loads.append(dict(case=case, **load(factory, entries, strict)))
    return {
        "state_dict": [{"name": k, "shape": list(v.shape), "dtype": str(v.dtype)} for k, v in sd.items()],
        "state_dict_prefix": list(model.state_dict(prefix=PREFIX).keys()),
        "keep_vars_parameters": [k for k, v in kept.items() if id(v) in params],
        "detached_requires_grad": any(v.requires_grad for v in sd.values()),
        "loads": loads,
    }


class NativeLayers(nn.Module):
    """Layers TorchSharp implements natively, whose inner modules it holds flat under dotted parameter names."""
    def __init__(self):
        super().__init__()
        self.enc = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16)
        self.mha = nn.MultiheadAttention(8, 2, kdim=4, vdim=6)
        self.lstm = nn.LSTM(8, 16, num_layers=2, bidirectional=True)
        self.head = nn.Linear(8, 3)


def generate(write_json, here):
    all_models = models() + [("vgg11_bn", lambda: torchvision.models.vgg11_bn()), ("NativeLayers", NativeLayers)]
    write_json("state.json", {name: describe(factory) for name, factory in all_models})
    write_json("state_prefix.json", {name: {"keys": keys, "prefix": prefix, "result": consume_prefix_2x([(k, None) for k in keys], prefix)}
                                     for name, keys, prefix in PREFIX_CASES})
