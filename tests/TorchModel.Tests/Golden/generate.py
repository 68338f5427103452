#!/usr/bin/env python3
"""Writes the golden files the C# tests compare against, from real PyTorch.

Run with Debian's PyTorch (apt-get install -y python3-torch python3-torchvision) and Debian's own
interpreter:  /usr/bin/python3 tests/TorchModel.Tests/Golden/generate.py
The JSON files it writes are committed; the tests read only the committed files.

PyTorch 1.13 versus 2.x (our target is 2.x):
- named_parameters/named_buffers(remove_duplicate=...) do not exist in 1.13; the 2.x result is
  computed here with the 2.x algorithm (_named_members over named_modules(remove_duplicate=...)).
- Everything else written here is the same in 1.13 and 2.x.
"""
import json
import re
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen_traversal  # noqa: E402

SECTIONS = [gen_traversal]
for extra in ("gen_state", "gen_repr", "gen_seed_tour", "gen_checkpoints", "gen_summary", "gen_transformers"):
    try:
        SECTIONS.append(__import__(extra))
    except ImportError:
        pass


def write_json(name, data):
    path = os.path.join(HERE, name)
    text = json.dumps(data, indent=1, ensure_ascii=False)
    # Keep lists of numbers (shapes) on one line.
    text = re.sub(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]", lambda m: "[" + ", ".join(re.split(r",\s*", m.group(1))) + "]", text)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text + "\n")
    print("wrote", os.path.relpath(path, HERE))


def main():
    print("torch", torch.__version__)
    for section in SECTIONS:
        torch.manual_seed(0)
        section.generate(write_json, HERE)


if __name__ == "__main__":
    main()
