"""Checkpoint fixtures (issue #6): torch.save state_dicts written by real PyTorch, .safetensors files written by a
small writer that follows the safetensors spec (python3-safetensors is not in Debian 12), hostile files crafted with
pickle opcodes, and checkpoints.json with every expected value.

Run through generate.py. Files go to ../Fixtures/checkpoints/; expected values to checkpoints.json here.

PyTorch 1.13 versus 2.x: both write the same data.pkl for a state_dict (protocol 2, _rebuild_tensor_v2, legacy
torch.*Storage names, ('storage', type, key, location, numel) persistent ids). 2.x also writes '<archive>/byteorder'
and '<archive>/.data/serialization_id' and names the archive folder after the file; simple2_v2layout.pt re-packs
simple2.pt in that 2.x layout so both are covered.
"""
import collections
import json
import os
import pickle
import struct
import zipfile

import numpy as np
import torch
import torch.nn as nn

import models

# PyTorch 2.x behaviours this generator emulates where Debian's PyTorch 1.13 differs (generate.py records them
# in the "_provenance" of each file it writes).
EMULATES_2X = [
    "the 2.x archive layout (archive folder named after the file, byteorder, .data/serialization_id) in simple2_v2layout.pt, re-packed from 1.13's simple2.pt",
    "a checkpoint saved on CUDA (cuda_saved.pt): tied.pt re-packed with its storages' location strings rewritten to 'cuda:0' (no GPU here)",
    "the shape of a PyTorch Lightning 2.x .ckpt (lightning.ckpt) built from plain dicts; Lightning itself is not installed",
    "a BatchNorm state_dict from before PyTorch 0.4.1 (batchnorm_old.pt): batchnorm.pt's state_dict without num_batches_tracked",
]

ST_DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64",
    torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL",
}


def value_list(t):
    """Every element in row-major order: floats as the shortest decimal that round-trips their own precision."""
    flat = t.detach().contiguous().reshape(-1)
    if t.dtype == torch.bool:
        return [bool(v) for v in flat.tolist()]
    if t.dtype.is_floating_point:
        if t.dtype == torch.float64:
            return [float(v) for v in flat.tolist()]
        return [float(str(np.float32(v))) for v in flat.float().tolist()]
    return [int(v) for v in flat.tolist()]


def describe(sd, with_views=True):
    storages = {}
    out = []
    for name, t in sd.items():
        entry = {"name": name, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}
        if with_views:
            ptr = t.storage().data_ptr()
            entry["stride"] = list(t.stride())
            entry["storage_offset"] = t.storage_offset()
            entry["storage"] = storages.setdefault(ptr, len(storages))
        entry["values"] = value_list(t)
        out.append(entry)
    return out


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata=None, data_order=None):
    """A spec-following writer: u64 LE header length, JSON header padded with spaces to 8 bytes, then the data."""
    names = list(tensors)
    data_order = data_order or names
    offsets, blobs, pos = {}, [], 0
    for name in data_order:
        b = tensor_bytes(tensors[name])
        offsets[name] = [pos, pos + len(b)]
        blobs.append(b)
        pos += len(b)
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    for name in names:
        t = tensors[name]
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": offsets[name]}
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def dtype_tensors():
    g = torch.Generator().manual_seed(1)
    d = collections.OrderedDict()
    d["f64"] = torch.randn(2, 3, generator=g, dtype=torch.float64)
    d["f32"] = torch.randn(3, 2, generator=g)
    d["f16"] = torch.randn(5, generator=g).half()
    d["bf16"] = torch.randn(2, 2, generator=g).bfloat16()
    d["i64"] = torch.tensor([[-(2 ** 40), 7], [0, 2 ** 62]], dtype=torch.int64)
    d["i32"] = torch.tensor([-2 ** 31, 2 ** 31 - 1, 5], dtype=torch.int32)
    d["i16"] = torch.tensor([-32768, 32767], dtype=torch.int16)
    d["i8"] = torch.tensor([-128, 127, 0], dtype=torch.int8)
    d["u8"] = torch.tensor([0, 255, 17], dtype=torch.uint8)
    d["flags"] = torch.tensor([True, False, True, True])
    d["scalar"] = torch.tensor(3.5)
    d["empty"] = torch.zeros(0, 3)
    return d


def batchnorm_model():
    m = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3), nn.BatchNorm1d(3))
    m.train()
    m(torch.randn(4, 1, 4, 4))  # running stats and num_batches_tracked move away from their initial values
    return m


def views():
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8
    d = collections.OrderedDict()
    d["base"] = base
    d["transposed"] = base.t()           # non-contiguous, shares base's storage
    d["row"] = base[1]                   # storage offset 4
    d["column"] = base[:, 2]             # stride (4,), offset 2
    d["param"] = nn.Parameter(torch.linspace(-1, 1, 5))  # pickled through _rebuild_parameter
    d["other"] = torch.arange(6, dtype=torch.int64)[1::2]  # strided slice of its own storage
    return d


def writestr(z, name, data):
    """Adds a stored entry with a fixed timestamp, so that regenerating leaves committed fixtures unchanged."""
    z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_STORED)


def raw_pickle_archive(path, pickle_bytes, extra=None, prefix="archive"):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        writestr(z, prefix + "/data.pkl", pickle_bytes)
        for name, data in (extra or {}).items():
            writestr(z, prefix + "/" + name, data)
        writestr(z, prefix + "/version", b"3\n")


def repack(src, dst, prefix, drop=(), add=None):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_STORED) as zout:
        old = zin.namelist()[0].split("/")[0]
        for name in zin.namelist():
            rest = name[len(old) + 1:]
            if rest in drop:
                continue
            writestr(zout, prefix + "/" + rest, zin.read(name))
        for rest, data in (add or {}).items():
            writestr(zout, prefix + "/" + rest, data)


def describe_tree(obj):
    """A typed JSON description of a torch.load result, in order: what the C# tree reader must reproduce."""
    if obj is None:
        return {"none": None}
    if isinstance(obj, bool):
        return {"bool": obj}
    if isinstance(obj, int):
        return {"int": str(obj)}
    if isinstance(obj, float):
        return {"float": repr(obj)}
    if isinstance(obj, str):
        return {"str": obj}
    if isinstance(obj, (bytes, bytearray)):
        return {"bytes": list(obj)}
    if isinstance(obj, torch.Tensor):
        return {"tensor": describe({"t": obj}, with_views=False)[0]}
    if isinstance(obj, torch.Size):
        return {"size": list(obj)}
    if isinstance(obj, torch.dtype):
        return {"dtype": str(obj)}
    if isinstance(obj, torch.device):
        return {"device": str(obj)}
    if isinstance(obj, tuple):
        return {"tuple": [describe_tree(v) for v in obj]}
    if isinstance(obj, list):
        return {"list": [describe_tree(v) for v in obj]}
    if isinstance(obj, dict):
        return {"dict": [[describe_tree(k), describe_tree(v)] for k, v in obj.items()]}
    raise TypeError(type(obj))


def trained(model, optimizer, steps=2):
    g = torch.Generator().manual_seed(3)
    for _ in range(steps):
        optimizer.zero_grad()
        out = model(torch.randn(4, 6, generator=g))
        out.sum().backward()
        optimizer.step()


class Net(nn.Module):
    """A small MLP with a BatchNorm, trained a few steps for optimizer state. C# twin: nn.Sequential(Linear(6, 8),
    BatchNorm1d(8), ReLU(), Linear(8, 3)) (the tests build it)."""
    def __init__(self):
        super().__init__()
        self.inner = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))

    def forward(self, x):
        return self.inner(x)


def training_dicts():
    """The checkpoints training scripts write: {"model", "optimizer", "epoch", "best_acc"} and its spellings."""
    torch.manual_seed(0)
    net = Net()
    adam = torch.optim.Adam(net.parameters(), lr=1e-3)
    trained(net, adam)
    sd = net.inner.state_dict()
    out = collections.OrderedDict()
    out["train_model.pt"] = {"model": sd, "optimizer": adam.state_dict(), "epoch": 3, "best_acc": 0.91}
    sgd = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    trained(net, sgd, steps=1)
    sd = net.inner.state_dict()
    out["train_state_dict.pt"] = {"epoch": 7, "state_dict": sd, "optimizer": sgd.state_dict()}
    out["train_model_state_dict.pt"] = {"epoch": 1, "model_state_dict": sd, "optimizer_state_dict": sgd.state_dict(), "loss": 0.25}
    return out


def lightning_dict():
    """The shape of a PyTorch Lightning .ckpt (keys as Lightning 2.x writes them; Lightning itself is not installed)."""
    torch.manual_seed(1)
    net = Net()
    adam = torch.optim.Adam(net.parameters(), lr=2e-3)
    trained(net, adam, steps=1)
    sched = torch.optim.lr_scheduler.StepLR(adam, step_size=5, gamma=0.5)
    sched.step()
    sd = collections.OrderedDict(("model." + k, v) for k, v in net.inner.state_dict().items())
    return {
        "epoch": 2,
        "global_step": 120,
        "pytorch-lightning_version": "2.1.3",
        "state_dict": sd,
        "loops": {"fit_loop": {"state_dict": {}, "epoch_progress": {"total": {"ready": 3, "completed": 2}, "current": {"ready": 3, "completed": 2}}}},
        "callbacks": {"ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min', 'every_n_train_steps': 0}": {
            "monitor": "val_loss", "best_model_score": torch.tensor(0.4375), "best_model_path": "checkpoints/epoch=1.ckpt",
            "current_score": torch.tensor(0.5), "dirpath": "checkpoints", "best_k_models": {}, "kth_best_model_path": "", "last_model_path": ""}},
        "optimizer_states": [adam.state_dict()],
        "lr_schedulers": [sched.state_dict()],
        "hparams_name": "kwargs",
        "hyper_parameters": {"lr": 0.002, "hidden": 50, "layers": [10, 20], "name": "mlp", "use_bn": False, "dropout": None},
    }


def objects_dict():
    """Every value kind a weights-only load allows, including big ints, bytes, dtypes, devices and non-str keys."""
    base = torch.arange(6, dtype=torch.float32)
    return collections.OrderedDict([
        ("big", 2 ** 100), ("negative_big", -(2 ** 70)), ("int64_max", 2 ** 63 - 1), ("small", -3),
        ("float", 1.5e-7), ("inf", float("inf")), ("bytes", b"\x00\xffab"), ("empty_bytes", b""),
        ("dtype", torch.float16), ("device", torch.device("cuda", 1)), ("cpu", torch.device("cpu")),
        ("size", torch.Size([2, 3])), ("tuple", (1, "a", None, True)), ("nested", {"a": [1, 2.5, False], "b": {}}),
        (1, "int key"), (2.5, "float key"), (None, "none key"),
        ("shared", [base, base[2:], base.view(2, 3)]), ("param", nn.Parameter(torch.ones(2))),
    ])


def with_device_strings(src, dst, location):
    """Re-packs a torch.save file with every storage's location string replaced, as if it was saved on that device."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_STORED) as zout:
        old = zin.namelist()[0].split("/")[0]
        new = os.path.splitext(os.path.basename(dst))[0]
        for name in zin.namelist():
            data = zin.read(name)
            if name.endswith("/data.pkl"):
                before = b"X\x03\x00\x00\x00cpu"
                assert before in data
                data = data.replace(before, b"X" + struct.pack("<I", len(location)) + location.encode())
            writestr(zout, new + name[len(old):], data)


def generate(write_json, here):
    out = os.path.join(here, "..", "Fixtures", "checkpoints")
    os.makedirs(out, exist_ok=True)
    expected = collections.OrderedDict()

    def save_pt(name, sd):
        torch.save(sd, os.path.join(out, name))
        expected[name] = describe(sd)

    torch.manual_seed(0)
    simple2 = models.SimpleModel2().state_dict()
    save_pt("simple2.pt", simple2)
    repack(os.path.join(out, "simple2.pt"), os.path.join(out, "simple2_v2layout.pt"), "simple2_v2layout",
           add={"byteorder": b"little", ".data/serialization_id": b"0123456789"})
    expected["simple2_v2layout.pt"] = "simple2.pt"  # same tensors: the tests follow this reference
    bn = batchnorm_model().state_dict()
    save_pt("batchnorm.pt", bn)
    save_pt("dtypes.pt", dtype_tensors())
    save_pt("views.pt", views())
    save_pt("tied.pt", models.TiedLM().state_dict())
    # torch.save(..., pickle_protocol=4): FRAME, SHORT_BINUNICODE, MEMOIZE and STACK_GLOBAL instead of protocol 2's opcodes.
    torch.save(views(), os.path.join(out, "protocol4.pt"), pickle_protocol=4)
    expected["protocol4.pt"] = describe(views())

    # Training dicts, a Lightning-shaped checkpoint, every allowed object kind (issue #11).
    trees = collections.OrderedDict()
    for name, obj in training_dicts().items():
        torch.save(obj, os.path.join(out, name))
        trees[name] = describe_tree(obj)
    torch.save(lightning_dict(), os.path.join(out, "lightning.ckpt"))
    trees["lightning.ckpt"] = describe_tree(lightning_dict())
    torch.save(objects_dict(), os.path.join(out, "objects.pt"))
    trees["objects.pt"] = describe_tree(objects_dict())
    # Saved on CUDA: no GPU here, so the storages' location strings are rewritten to what a CUDA save writes.
    with_device_strings(os.path.join(out, "tied.pt"), os.path.join(out, "cuda_saved.pt"), "cuda:0")
    expected["cuda_saved.pt"] = "tied.pt"
    # A BatchNorm state_dict from before PyTorch 0.4.1: no num_batches_tracked (and no version metadata).
    old_bn = collections.OrderedDict((k, v) for k, v in bn.items() if not k.endswith("num_batches_tracked"))
    save_pt("batchnorm_old.pt", old_bn)

    # safetensors written by the spec-following writer above.
    st_dtypes = dtype_tensors()
    write_safetensors(os.path.join(out, "dtypes.safetensors"), st_dtypes, {"format": "pt", "note": "written by gen_checkpoints.py"})
    expected["dtypes.safetensors"] = describe(st_dtypes, with_views=False)
    write_safetensors(os.path.join(out, "batchnorm.safetensors"), bn, {"format": "pt"},
                      data_order=list(reversed(list(bn))))  # data laid out in the reverse of header order
    expected["batchnorm.safetensors"] = describe(bn, with_views=False)
    write_safetensors(os.path.join(out, "nometadata.safetensors"), collections.OrderedDict(w=torch.ones(2)))
    expected["nometadata.safetensors"] = describe({"w": torch.ones(2)}, with_views=False)

    # Hostile and unsupported torch.save files.
    for fname, module, name in (("evil_os_system.pt", "os", "system"), ("evil_builtins_eval.pt", "builtins", "eval")):
        payload = b"\x80\x02c" + module.encode() + b"\n" + name.encode() + b"\nq\x00X\x0b\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03."
        raw_pickle_archive(os.path.join(out, fname), payload)
    # A global hidden inside an otherwise valid state_dict: refused too.
    inner = pickle.dumps(collections.OrderedDict(a=1), protocol=2)
    assert inner.startswith(b"\x80\x02ccollections\nOrderedDict\n")
    evil_inner = b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x01\x00\x00\x00xcposix\nsystem\nX\x02\x00\x00\x00idq\x02\x85Rsb."
    evil_inner = evil_inner.replace(b"sb.", b"s.")
    raw_pickle_archive(os.path.join(out, "evil_nested.pt"), evil_inner)
    torch.save(nn.Linear(2, 2), os.path.join(out, "whole_module.pt"))
    # The legacy format pickles storage keys from object ids, so this one file differs on every run.
    torch.save(collections.OrderedDict(w=torch.ones(2)), os.path.join(out, "legacy_format.pt"), _use_new_zipfile_serialization=False)
    repack(os.path.join(out, "tied.pt"), os.path.join(out, "missing_storage.pt"), "archive", drop=("data/0",))

    path = os.path.join(here, "checkpoints.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("{\n")
        items = list(expected.items())
        for i, (name, tensors) in enumerate(items):
            f.write(json.dumps(name) + ": " + json.dumps(tensors, separators=(",", ":")) + ("," if i < len(items) - 1 else "") + "\n")
        f.write("}\n")
    print("wrote checkpoints.json and", len(os.listdir(out)), "fixtures")
    write_json("checkpoint_trees.json", trees)
