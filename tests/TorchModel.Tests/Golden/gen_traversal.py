"""Traversal and lookup goldens (issue #3): traversal.json."""
import torch.nn as nn

from models import models

# PyTorch 2.x behaviours this generator emulates where Debian's PyTorch 1.13 differs (generate.py records them
# in the "_provenance" of each file it writes).
EMULATES_2X = [
    'named_parameters/named_buffers(remove_duplicate=...): 1.13 lacks the argument; named_members_2x is 2.x Module._named_members',
]


def shape(t):
    return list(t.shape)


def named_members_2x(module, get_members, prefix="", recurse=True, remove_duplicate=True):
    """PyTorch 2.x Module._named_members (1.13 lacks remove_duplicate)."""
    memo = set()
    modules = module.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, module)]
    for module_prefix, m in modules:
        for k, v in get_members(m):
            if v is None or v in memo:
                continue
            if remove_duplicate:
                memo.add(v)
            yield module_prefix + ("." if module_prefix else "") + k, v


def params(module, **kw):
    return [{"name": n, "shape": shape(p), "requires_grad": p.requires_grad}
            for n, p in named_members_2x(module, lambda m: m._parameters.items(), **kw)]


def buffers(module, **kw):
    return [{"name": n, "shape": shape(b), "dtype": str(b.dtype)}
            for n, b in named_members_2x(module, lambda m: m._buffers.items(), **kw)]


def mods(pairs):
    return [{"name": n, "type": type(m).__name__} for n, m in pairs]


def lookup(kind, fn, target):
    try:
        value = fn(target)
    except AttributeError as e:
        return {"kind": kind, "target": target, "error": str(e)}
    if isinstance(value, nn.Module):
        return {"kind": kind, "target": target, "type": type(value).__name__}
    return {"kind": kind, "target": target, "shape": shape(value)}


def lookups(model):
    """Every real path, plus wrong ones built from them."""
    cases = []
    named = list(model.named_modules())
    for name, m in named:
        cases.append(lookup("submodule", model.get_submodule, name))
    for name, _ in model.named_parameters():
        cases.append(lookup("parameter", model.get_parameter, name))
        cases.append(lookup("buffer", model.get_buffer, name))
        cases.append(lookup("submodule", model.get_submodule, name))
    for name, _ in model.named_buffers():
        cases.append(lookup("buffer", model.get_buffer, name))
        cases.append(lookup("parameter", model.get_parameter, name))
    for name, m in named[:6]:
        base = name + "." if name else ""
        cases.append(lookup("submodule", model.get_submodule, base + "nope"))
        cases.append(lookup("parameter", model.get_parameter, base + "nope"))
        cases.append(lookup("buffer", model.get_buffer, base + "nope"))
        cases.append(lookup("submodule", model.get_submodule, base + "nope.deeper"))
        cases.append(lookup("parameter", model.get_parameter, base + "99.weight"))
    return cases


def describe(model):
    return {
        "named_modules": mods(model.named_modules()),
        "named_modules_all": mods(model.named_modules(remove_duplicate=False)),
        "named_modules_prefix": mods(model.named_modules(prefix="model")),
        "named_children": mods(model.named_children()),
        "named_parameters": params(model),
        "named_parameters_prefix": params(model, prefix="model"),
        "named_parameters_no_recurse": params(model, recurse=False),
        "named_parameters_all": params(model, remove_duplicate=False),
        "named_buffers": buffers(model),
        "named_buffers_prefix": buffers(model, prefix="model"),
        "named_buffers_no_recurse": buffers(model, recurse=False),
        "named_buffers_all": buffers(model, remove_duplicate=False),
        "total_params": sum(p.numel() for p in model.parameters()),
        "trainable_params": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "lookups": lookups(model),
    }


def generate(write_json, here):
    write_json("traversal.json", {name: describe(factory()) for name, factory in models()})
