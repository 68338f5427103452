#!/usr/bin/env python3
"""Reads a .safetensors file with real PyTorch and compares it with expected values from checkpoints.json.

Usage: /usr/bin/python3 check_safetensors.py EXPECTED_JSON FILE KEY [FILE KEY ...]
KEY names the entry of EXPECTED_JSON (written by gen_checkpoints.py from PyTorch) that FILE must hold. The file is
parsed here independently of TorchModel: the spec's u64 header length, JSON header, then torch.frombuffer per
tensor. Exits 0 when every name, dtype, shape and value matches and the layout follows the spec, 1 otherwise.
"""
import json
import struct
import sys

import torch

DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
          "BOOL": torch.bool}


def main(path, expected_path, key):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert n % 8 == 0, "header length %d is not a multiple of 8" % n
    header = json.loads(data[8:8 + n].decode("utf-8"), object_pairs_hook=lambda pairs: dict(pairs))
    body = data[8 + n:]
    meta = header.pop("__metadata__", None)
    assert meta is not None and meta.get("format") == "pt", "metadata lacks format=pt: %r" % (meta,)
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)[key]
    assert list(header) == [e["name"] for e in expected], "names/order differ: %r" % list(header)
    end = 0
    for e in expected:
        h = header[e["name"]]
        begin, stop = h["data_offsets"]
        assert begin == end, "%s is not contiguous with the previous tensor" % e["name"]
        end = stop
        dtype = DTYPES[h["dtype"]]
        assert str(dtype) == "torch." + e["dtype"], "%s: dtype %s != %s" % (e["name"], dtype, e["dtype"])
        assert h["shape"] == e["shape"], "%s: shape %r != %r" % (e["name"], h["shape"], e["shape"])
        raw = bytearray(body[begin:stop])
        t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        t = t.reshape(h["shape"])
        want = torch.tensor(e["values"], dtype=torch.float64 if dtype.is_floating_point else None)
        got = t.reshape(-1).double() if dtype.is_floating_point else t.reshape(-1)
        if dtype.is_floating_point:
            want = want.to(dtype).double()
        elif dtype == torch.bool:
            want = want.bool()
        else:
            want = want.to(dtype)
        assert torch.equal(got, want.reshape(-1)), "%s: values differ" % e["name"]
    assert end == len(body), "data section has %d bytes, tensors cover %d" % (len(body), end)
    print("ok: %s matches %s (%d tensors) read by torch %s" % (path, key, len(expected), torch.__version__))


if __name__ == "__main__":
    args = sys.argv[2:]
    if len(sys.argv) < 4 or len(args) % 2:
        print(__doc__)
        sys.exit(2)
    try:
        for i in range(0, len(args), 2):
            main(args[i], sys.argv[1], args[i + 1])
    except AssertionError as e:
        print("MISMATCH:", e)
        sys.exit(1)
