"""The worst inputs found by fuzzing the checkpoint readers (issue #18), rebuilt deterministically.

Run with Debian's /usr/bin/python3 (PyTorch 1.13 installed) from this folder:  /usr/bin/python3 generate_hostile.py
Every file here is small (the whole folder stays under 1 MB) and each one stands for a class of hostile input that
once cost a reader seconds, hundreds of megabytes or a wrong answer. FuzzTests.WorstInputs loads each one and
requires a CheckpointFormatException, or a load that round-trips, within the fuzz test's time and memory bounds.
"""
import io
import json
import pickle
import struct
import zipfile
import zlib

import torch

HERE = __import__("os").path.dirname(__import__("os").path.abspath(__file__))


def write(name, data):
    with open(f"{HERE}/{name}", "wb") as f:
        f.write(data)


def torch_zip(entries, deflate=()):
    """A torch.save-layout zip: entries is a list of (name, bytes); names in `deflate` are stored deflated."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED
            z.writestr(info, data)
    return buf.getvalue()


def real_state_dict_zip():
    buf = io.BytesIO()
    torch.save({"0.weight": torch.arange(4, dtype=torch.float32), "0.bias": torch.ones(4)}, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


class StoragePickler(pickle.Pickler):
    """Pickles tensors the way torch.save does, with a storage whose element count we choose."""

    def persistent_id(self, obj):
        if isinstance(obj, tuple) and len(obj) == 2 and obj[0] == "__storage__":
            return ("storage", torch.FloatStorage, "0", "cpu", obj[1])
        return None


class FakeTensor:
    def __init__(self, numel, size, stride):
        self.numel, self.size, self.stride = numel, size, stride

    def __reduce__(self):
        import collections
        return (torch._utils._rebuild_tensor_v2,
                (("__storage__", self.numel), 0, self.size, self.stride, False, collections.OrderedDict()))


def pickled(obj):
    buf = io.BytesIO()
    StoragePickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


def pt_with_pickle(data_pkl, extra=(), deflate=()):
    return torch_zip([("archive/data.pkl", data_pkl), *extra, ("archive/version", b"3\n")], deflate)


def main():
    # 16,000 int keys whose .NET Int64 hash codes all collide (k * (2^32 + 1) hashes to 0): quadratic dict building.
    keys = {k * 0x100000001: None for k in range(1, 16_001)}
    write("colliding_int_keys.pt", pt_with_pickle(pickle.dumps(keys, protocol=2)))

    # 200,000 EMPTY_DICT opcodes: a 200 KB pickle whose stack holds 200,000 containers.
    write("empty_dict_spam.pt", pt_with_pickle(b"\x80\x02" + b"}" * 200_000 + b"."))

    # 64 MB of EMPTY_DICT opcodes deflated to ~64 KB: decompression amplification.
    write("deflated_pickle_bomb.pt", pt_with_pickle(b"\x80\x02" + b"}" * (64 << 20) + b".", deflate={"archive/data.pkl"}))

    # One tensor of 4 floats whose storage entry inflates to 64 MB: more bytes than the pickle's storage needs.
    sd = pickled({"w": FakeTensor(4, (4,), (1,))})
    write("oversized_storage_entry.pt", pt_with_pickle(sd, extra=[("archive/data/0", bytes(64 << 20))], deflate={"archive/data/0"}))

    # A storage of 2^62 + 2 floats: its byte size wraps to 8 in 64-bit arithmetic.
    sd = pickled({"w": FakeTensor(2**62 + 2, (2,), (1,))})
    write("numel_wraps.pt", pt_with_pickle(sd, extra=[("archive/data/0", bytes(8))]))

    # A view of size (2^40, 2^40, 0) on a 1-float storage: numel overflows before the zero is seen.
    sd = pickled({"w": FakeTensor(1, (2**40, 2**40, 0), (1, 1, 1))})
    write("view_size_overflow.pt", pt_with_pickle(sd, extra=[("archive/data/0", bytes(4))]))

    # Two zip entries named archive/data/0: torch.load reads one, a reader that keeps the other loads other weights.
    entries = real_state_dict_zip()
    data0 = next(d for n, d in entries if n.endswith("/data/0"))
    dup = []
    for n, d in entries:
        dup.append((n, d))
        if n.endswith("/data/0"):
            dup.append((n, bytes(len(d))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, d in dup:
            info = zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, d)
    write("duplicate_entry_names.pt", buf.getvalue())

    # safetensors: a header of 5,000 tiny tensors.
    header = {f"t{i}": {"dtype": "F32", "shape": [1], "data_offsets": [4 * i, 4 * i + 4]} for i in range(5_000)}
    write("many_tiny_tensors.safetensors", safetensors(header, bytes(4 * 5_000)))

    # safetensors: a 40-byte file whose header length claims 100 MB.
    write("header_claims_100mb.safetensors", struct.pack("<Q", 100_000_000) + b'{"a":{"dtype":"F32","shape":[1],"dat')

    # safetensors: a shape whose product overflows 64 bits in the strides before the zero dimension.
    write("shape_overflow.safetensors", safetensors({"a": {"dtype": "F32", "shape": [0, 2**32, 2**32], "data_offsets": [0, 0]}}, b""))

    # safetensors: the same tensor name twice in the JSON object.
    text = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'
    write("duplicate_json_names.safetensors", struct.pack("<Q", len(text)) + text.encode() + bytes(8))


def safetensors(header, data):
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


if __name__ == "__main__":
    main()
