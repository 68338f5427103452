"""Sharded checkpoint fixtures (issue #11, section 3), in the Hugging Face layout.

Debian 12 has no huggingface_hub/transformers/safetensors packages, so this file follows their documented behaviour
with small spec-following helpers (no code copied):
- huggingface_hub.split_torch_state_dict_into_shards: tensors are taken in state_dict order; a tensor larger than
  max_shard_size becomes a shard of its own (appended at once, while the current shard stays open); otherwise a new
  shard starts when the tensor would push the current one over max_shard_size; sizes are numel * element_size; shards
  are named filename_pattern.format(suffix="-%05d-of-%05d"), a single shard filename_pattern.format(suffix="").
- huggingface_hub.save_torch_state_dict: every shard's safetensors metadata is {"format": "pt"}; the index
  {"metadata": {"total_size": N}, "weight_map": {name: file}} is written with json.dump(index, f, indent=2) to
  "model.safetensors.index.json" (torch.save shards: "pytorch_model{suffix}.bin" and "pytorch_model.bin.index.json").

Run through generate.py, or alone: /usr/bin/python3 tests/TorchModel.Tests/Golden/gen_sharded.py
Files go to ../Fixtures/sharded/; expected values to sharded.json here.
"""
import collections
import json
import os
import shutil

import numpy as np
import torch
import torch.nn as nn

from gen_checkpoints import write_safetensors  # the one spec-following safetensors writer of the generator

# Nothing here differs between PyTorch 1.13 and 2.x: the shards hold plain state_dict tensors (torch.save writes the same
# pickle for them in both), and the splitting and index format are Hugging Face's, not PyTorch's.
EMULATES_2X = []

MAX_SHARD_SIZE = 64  # bytes: small enough that the test model spans several shards, and two tensors exceed it alone

def model():
    """Mirrored in C# by ShardedCheckpointTests.Model()."""
    m = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3), nn.BatchNorm1d(3))
    m.train()
    m(torch.randn(4, 1, 4, 4))  # running stats and num_batches_tracked move away from their initial values
    return m


def values(t):
    flat = t.detach().contiguous().reshape(-1)
    if t.dtype.is_floating_point:
        return [float(str(np.float32(v))) for v in flat.float().tolist()]
    return [int(v) for v in flat.tolist()]


def split(sd, max_shard_size, pattern):
    shards, current, current_size, total = [], collections.OrderedDict(), 0, 0
    for name, t in sd.items():
        size = t.numel() * t.element_size()
        total += size
        if size > max_shard_size:
            shards.append(collections.OrderedDict([(name, t)]))
            continue
        if current_size + size > max_shard_size and current:
            shards.append(current)
            current, current_size = collections.OrderedDict(), 0
        current[name] = t
        current_size += size
    if current:
        shards.append(current)
    if len(shards) == 1:
        return [(pattern.format(suffix=""), shards[0])], total
    n = len(shards)
    return [(pattern.format(suffix="-%05d-of-%05d" % (i + 1, n)), s) for i, s in enumerate(shards)], total


def write_index(path, shards, total):
    index = {"metadata": {"total_size": total},
             "weight_map": {name: file for file, tensors in shards for name in tensors}}
    with open(path, "w") as f:
        json.dump(index, f, indent=2)


def generate(write_json, here):
    out = os.path.join(here, "..", "Fixtures", "sharded")
    shutil.rmtree(out, ignore_errors=True)
    torch.manual_seed(0)
    sd = model().state_dict()

    st_folder = os.path.join(out, "safetensors")
    os.makedirs(st_folder)
    st_shards, total = split(sd, MAX_SHARD_SIZE, "model{suffix}.safetensors")
    for file, tensors in st_shards:
        write_safetensors(os.path.join(st_folder, file), tensors, {"format": "pt"})
    write_index(os.path.join(st_folder, "model.safetensors.index.json"), st_shards, total)

    bin_folder = os.path.join(out, "pytorch")
    os.makedirs(bin_folder)
    bin_shards, _ = split(sd, MAX_SHARD_SIZE, "pytorch_model{suffix}.bin")
    for file, tensors in bin_shards:
        torch.save(collections.OrderedDict((k, v.clone()) for k, v in tensors.items()), os.path.join(bin_folder, file))
    write_index(os.path.join(bin_folder, "pytorch_model.bin.index.json"), bin_shards, total)

    with open(os.path.join(st_folder, "model.safetensors.index.json")) as f:
        index_text = f.read()
    write_json("sharded.json", {
        "max_shard_size": MAX_SHARD_SIZE,
        "total_size": total,
        "safetensors_files": [file for file, _ in st_shards],
        "bin_files": [file for file, _ in bin_shards],
        "index_text": index_text,
        "state": [{"name": k, "dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "values": values(v)}
                  for k, v in sd.items()],
    })


if __name__ == "__main__":
    import generate as g
    import gen_sharded
    before = g.snapshot()
    torch.manual_seed(0)
    gen_sharded.generate(g.write_json, g.HERE)
    g.record_provenance(gen_sharded, before)
