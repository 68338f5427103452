#!/usr/bin/env python3
"""Reads torch.save files written by TorchModel (C#) with real PyTorch and compares them with the original fixtures.

Usage: /usr/bin/python3 check_torchsave.py WRITTEN ORIGINAL MODEL [WRITTEN ORIGINAL MODEL ...]
WRITTEN is a C#-written file, ORIGINAL the fixture PyTorch wrote (gen_checkpoints.py) that it must equal: the same
types (dict vs OrderedDict, list vs tuple), keys in the same order, the same values, tensors with the same dtype, shape,
strides, offsets and values, and the same tensors sharing storages. MODEL is '-' or NAME[:KEY]: the twin Python model
into which the state_dict (at KEY) is loaded with load_state_dict(strict=True).

Each WRITTEN file is loaded with torch.load(weights_only=True). PyTorch 1.13's weights-only reader lacks opcodes 2.x
has (BINFLOAT for floats, and the globals for bytes, dtypes and devices); for a file that uses them, this script checks
instead that every opcode and global of the pickle is one PyTorch 2.x's weights_only=True allows, then loads it with
weights_only=False, and says so.
"""
import collections
import os
import pickletools
import sys
import zipfile

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# What PyTorch 2.x's torch/_weights_only_unpickler.py accepts (opcodes and the globals a torch.save of these values uses).
ALLOWED_OPCODES = {"PROTO", "FRAME", "STOP", "MARK", "POP", "POP_MARK", "DUP", "NONE", "NEWTRUE", "NEWFALSE", "BININT",
                   "BININT1", "BININT2", "LONG1", "LONG4", "BINFLOAT", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8",
                   "SHORT_BINSTRING", "BINBYTES", "SHORT_BINBYTES", "EMPTY_TUPLE", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3",
                   "EMPTY_LIST", "APPEND", "APPENDS", "EMPTY_DICT", "SETITEM", "SETITEMS", "BINPUT", "LONG_BINPUT",
                   "MEMOIZE", "BINGET", "LONG_BINGET", "GLOBAL", "REDUCE", "BUILD", "BINPERSID", "LIST", "DICT"}
ALLOWED_GLOBALS = {"collections OrderedDict", "torch._utils _rebuild_tensor_v2", "torch._utils _rebuild_parameter",
                   "torch Size", "torch device", "_codecs encode"}
ALLOWED_GLOBALS |= {"torch " + n for n in ("DoubleStorage", "FloatStorage", "HalfStorage", "BFloat16Storage", "LongStorage",
                                           "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
                                           "ComplexFloatStorage", "ComplexDoubleStorage")}
ALLOWED_GLOBALS |= {"torch " + str(d)[6:] for d in (torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int64,
                                                    torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool,
                                                    torch.complex64, torch.complex128)}


def check_pickle_is_weights_only_2x(path):
    with zipfile.ZipFile(path) as z:
        name = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
        data = z.read(name)
    for op, arg, _ in pickletools.genops(data):
        assert op.name in ALLOWED_OPCODES, "opcode %s is not allowed by weights_only" % op.name
        if op.name == "GLOBAL":
            assert arg in ALLOWED_GLOBALS, "global %r is not allowed by weights_only" % arg


def load_written(path):
    try:
        return torch.load(path, weights_only=True), "weights_only=True"
    except Exception as e:  # 1.13 only: its weights-only reader lacks opcodes/globals 2.x has
        if not torch.__version__.startswith("1.") or "Unsupported" not in str(e):
            raise
        check_pickle_is_weights_only_2x(path)
        return torch.load(path), "2.x weights_only opcodes/globals checked (1.13's reader lacks: %s)" % str(e).split("error: ")[-1]


def compare(a, b, path, shared_a, shared_b):
    # Parameters are written as plain tensors (as a state_dict holds them); every other type must match exactly.
    if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
        assert type(a) is type(b), "%s: %s != %s" % (path, type(a).__name__, type(b).__name__)
    if isinstance(a, torch.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape, "%s: %s%s != %s%s" % (path, a.dtype, tuple(a.shape), b.dtype, tuple(b.shape))
        assert a.stride() == b.stride() and a.storage_offset() == b.storage_offset(), "%s: layout differs" % path
        assert torch.equal(a, b), "%s: values differ" % path
        shared_a.append(a.storage().data_ptr())
        shared_b.append(b.storage().data_ptr())
    elif isinstance(a, dict):
        assert list(a.keys()) == list(b.keys()), "%s: keys %r != %r" % (path, list(a.keys())[:5], list(b.keys())[:5])
        for k in a:
            compare(a[k], b[k], "%s[%r]" % (path, k), shared_a, shared_b)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), "%s: length differs" % path
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, "%s[%d]" % (path, i), shared_a, shared_b)
    elif isinstance(a, float) and a != a:
        assert b != b, path
    else:
        assert a == b, "%s: %r != %r" % (path, a, b)


def twin(name):
    import gen_checkpoints
    import models
    return {"SimpleModel2": models.SimpleModel2, "TiedLM": models.TiedLM, "BatchNorm": gen_checkpoints.batchnorm_model,
            "Net": lambda: gen_checkpoints.Net().inner}[name]()


def main(written, original, model):
    with zipfile.ZipFile(written) as z:
        assert z.testzip() is None, "a CRC-32 in the archive is wrong"  # Python's zipfile checks every entry's CRC
    got, how = load_written(written)
    want = torch.load(original)
    shared_a, shared_b = [], []
    compare(want, got, os.path.basename(written), shared_a, shared_b)
    # Sharing: tensor i and j share a storage in the original exactly when they do in the written file.
    groups_a = [shared_a.index(p) for p in shared_a]
    groups_b = [shared_b.index(p) for p in shared_b]
    assert groups_a == groups_b, "storage sharing differs: %r vs %r" % (groups_a, groups_b)
    loaded = ""
    if model != "-":
        name, _, key = model.partition(":")
        m = twin(name)
        m.load_state_dict(got[key] if key else got, strict=True)
        loaded = ", load_state_dict(strict=True) into %s" % name
    print("ok: %s equals %s (%s%s) read by torch %s" % (os.path.basename(written), os.path.basename(original), how, loaded, torch.__version__))


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or len(args) % 3:
        print(__doc__)
        sys.exit(2)
    try:
        for i in range(0, len(args), 3):
            main(*args[i:i + 3])
    except AssertionError as e:
        print("MISMATCH:", e)
        sys.exit(1)
