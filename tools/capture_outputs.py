#!/usr/bin/env python3
"""Capture every module's output of one forward pass of a PyTorch model, for TorchModel's port check.

Needs only torch (no safetensors, numpy or other package): the safetensors writer and reader below follow the format's
specification (https://github.com/huggingface/safetensors#format). The names, order and rules are the ones TorchModel's
`model.CaptureOutputs(...)` uses in .NET, so `PortCheck.Compare(python, dotnet)` lines them up:

- A call's name is the module's dotted name from named_modules() ("blocks.0.attn"); the root module is "(root)".
- Calls of one module after its first get torch.fx's suffixes: "drop", "drop_1", "drop_2".
  A module reached by several paths (shared) counts its calls under its first path.
- A tensor output is stored under the call's name; tuple/list elements as "name[0]", "name[1]", nested "name[1][0]";
  dict entries as "name[key]". Other values (None, numbers) are skipped.
- With include_inputs, the positional inputs of each call are stored as "name:in[0]", "name:in[1]", taken when the
  call starts; an output is taken when its module returns. That is the file's order (the execution order).
- Tensors are copied to the CPU, detached, when taken, so later in-place operations do not change them.
- Patterns select modules by dotted name: segments split at ".", "*" is one segment, "**" any number; each pattern
  must match some module unless allow_no_match.

As a library:   from capture_outputs import capture, save_file, load_file
                save_file(capture(model, (x,), ["**"]), "python.safetensors")
From the shell: python3 capture_outputs.py --model my_model.py:build --weights w.safetensors \
                    --inputs inputs.safetensors --out python.safetensors [--pattern 'blocks.**'] [--include-inputs]
"""
import argparse
import collections
import ctypes
import importlib
import importlib.util
import json
import os
import struct
import sys

import torch

ROOT = "(root)"

_DTYPES = [
    (torch.float64, "F64"), (torch.float32, "F32"), (torch.float16, "F16"), (torch.bfloat16, "BF16"),
    (torch.int64, "I64"), (torch.int32, "I32"), (torch.int16, "I16"), (torch.int8, "I8"), (torch.uint8, "U8"),
    (torch.bool, "BOOL"),
]
_TO_CODE = dict(_DTYPES)
_FROM_CODE = {code: dtype for dtype, code in _DTYPES}


# ---- path patterns ---------------------------------------------------------------------------------------------------

def parse_pattern(pattern):
    """Splits a pattern into segments; raises ValueError for the same mistakes TorchModel's PathPattern.Parse rejects."""
    if pattern == "":
        return []
    parts = pattern.split(".")
    for part in parts:
        if part == "":
            raise ValueError("Invalid path pattern %r: empty segment (segments are separated by a single '.')." % pattern)
        if "*" in part and part not in ("*", "**"):
            raise ValueError("Invalid path pattern %r: segment %r mixes '*' with other characters." % (pattern, part))
    return parts


def matches(segments, name):
    """Whether a dotted name matches parsed segments: '*' is one segment, '**' any number (including none)."""
    names = name.split(".") if name else []
    n, m = len(names), len(segments)
    ni = pi = 0
    star_pi, star_ni = -1, 0
    while ni < n:
        if pi < m and segments[pi] == "**":
            star_pi, star_ni = pi, ni
            pi += 1
        elif pi < m and (segments[pi] == "*" or segments[pi] == names[ni]):
            pi += 1
            ni += 1
        elif star_pi >= 0:
            pi = star_pi + 1
            star_ni += 1
            ni = star_ni
        else:
            return False
    while pi < m and segments[pi] == "**":
        pi += 1
    return pi == m


# ---- capture ---------------------------------------------------------------------------------------------------------

def call_name(path, index):
    name = path if path else ROOT
    return name if index == 0 else "%s_%d" % (name, index)


def capture(model, inputs, patterns=("**",), include_inputs=False, eval_mode=True, allow_no_match=False):
    """Runs model(*inputs) once under no_grad and returns an OrderedDict of the selected modules' outputs (and inputs).

    Every hook is removed and every module's training flag restored before it returns or raises."""
    if isinstance(inputs, torch.Tensor):
        inputs = (inputs,)
    parsed = [parse_pattern(p) for p in patterns]
    modules = list(model.named_modules())
    selected = []
    hit = [False] * len(parsed)
    for name, module in modules:
        found = False
        for i, segments in enumerate(parsed):
            if matches(segments, name):
                hit[i] = found = True
        if found:
            selected.append((name, module))
    if not allow_no_match:
        for i, ok in enumerate(hit):
            if not ok:
                raise ValueError("Pattern %r matches no module name." % patterns[i])

    captured = collections.OrderedDict()

    def add(name, value):
        if isinstance(value, torch.Tensor):
            if name in captured:
                raise RuntimeError("Two captured tensors are both named %r." % name)
            captured[name] = value.detach().to("cpu", copy=True)
        elif isinstance(value, (tuple, list)):
            for i, item in enumerate(value):
                add("%s[%d]" % (name, i), item)
        elif isinstance(value, dict):
            for key, item in value.items():
                add("%s[%s]" % (name, key), item)

    handles = []
    training = [(module, module.training) for _, module in modules]

    def hooks(path):
        state = {"calls": 0, "open": []}

        def pre(module, args):
            name = call_name(path, state["calls"])
            state["calls"] += 1
            state["open"].append(name)
            if include_inputs:
                for i, arg in enumerate(args):
                    add("%s:in[%d]" % (name, i), arg)

        def post(module, args, output):
            if state["open"]:
                add(state["open"].pop(), output)

        return pre, post

    try:
        for path, module in selected:
            pre, post = hooks(path)
            handles.append(module.register_forward_pre_hook(pre))
            handles.append(module.register_forward_hook(post))
        if eval_mode:
            model.eval()
        with torch.no_grad():
            model(*inputs)
    finally:
        for handle in handles:
            handle.remove()
        if eval_mode:
            for module, flag in training:  # pre-order: each module ends with its own flag
                module.train(flag)
    return captured


# ---- safetensors -----------------------------------------------------------------------------------------------------

def _raw_bytes(t):
    t = t.detach().to("cpu").contiguous()
    size = t.numel() * t.element_size()
    return ctypes.string_at(t.data_ptr(), size) if size else b""


def save_file(tensors, path, metadata=None):
    """Writes an ordered mapping of name -> tensor as safetensors, in the mapping's order (like safetensors.torch.save_file)."""
    if sys.byteorder != "little":
        raise RuntimeError("safetensors stores little-endian data; this writer supports little-endian machines only.")
    header = collections.OrderedDict()
    header["__metadata__"] = dict({"format": "pt"}, **(metadata or {}))
    blobs = []
    offset = 0
    for name, t in tensors.items():
        if t.dtype not in _TO_CODE:
            raise ValueError("Tensor %r has dtype %s, which this writer does not support." % (name, t.dtype))
        data = _raw_bytes(t)
        header[name] = {"dtype": _TO_CODE[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)
    os.replace(tmp, path)


def load_file(path):
    """Reads a safetensors file into an OrderedDict in the header's order (safetensors.torch.load_file sorts by name)."""
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length].decode("utf-8"), object_pairs_hook=collections.OrderedDict)
    header.pop("__metadata__", None)
    data = blob[8 + length:]
    out = collections.OrderedDict()
    for name, entry in header.items():
        dtype = _FROM_CODE[entry["dtype"]]
        begin, end = entry["data_offsets"]
        shape = entry["shape"]
        if end == begin:
            out[name] = torch.empty(shape, dtype=dtype)
        else:
            out[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(shape).clone()
    return out


# ---- command line ----------------------------------------------------------------------------------------------------

def _load_factory(spec):
    target, _, attr = spec.rpartition(":")
    if not target or not attr:
        raise SystemExit("--model must be 'file.py:factory' or 'package.module:factory', not %r" % spec)
    if target.endswith(".py"):
        module_spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(target))[0], target)
        module = importlib.util.module_from_spec(module_spec)
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
        module_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(target)
    return getattr(module, attr)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Capture module outputs of one forward pass as safetensors.")
    parser.add_argument("--model", required=True, help="file.py:factory or package.module:factory returning the nn.Module")
    parser.add_argument("--weights", help="safetensors state_dict to load (strict)")
    parser.add_argument("--inputs", required=True, help="safetensors file whose tensors, in order, are the forward's arguments")
    parser.add_argument("--out", required=True, help="the capture file to write")
    parser.add_argument("--pattern", action="append", help="module path pattern (repeatable; default '**')")
    parser.add_argument("--include-inputs", action="store_true", help="also capture each call's positional inputs")
    parser.add_argument("--train", action="store_true", help="keep the model's train/eval flags (default: eval mode)")
    args = parser.parse_args(argv)
    model = _load_factory(args.model)()
    if args.weights:
        model.load_state_dict(load_file(args.weights))
    inputs = tuple(load_file(args.inputs).values())
    result = capture(model, inputs, args.pattern or ["**"], args.include_inputs, not args.train)
    save_file(result, args.out)
    print("captured %d tensors to %s" % (len(result), args.out))


if __name__ == "__main__":
    main()
