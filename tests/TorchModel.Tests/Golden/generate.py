#!/usr/bin/env python3
"""Writes the golden files the C# tests compare against, from real PyTorch.

Run with Debian's PyTorch (apt-get install -y python3-torch python3-torchvision) and Debian's own
interpreter:  /usr/bin/python3 tests/TorchModel.Tests/Golden/generate.py
The JSON files it writes are committed; the tests read only the committed files.

PyTorch 1.13 versus 2.x (our target is 2.x):
- named_parameters/named_buffers(remove_duplicate=...) do not exist in 1.13; the 2.x result is
  computed here with the 2.x algorithm (_named_members over named_modules(remove_duplicate=...)).
- Everything else written here is the same in 1.13 and 2.x.
Each generator lists what it emulates in EMULATES_2X; every file written records it, with the generator and the
torch/torchvision versions, in "_provenance" (the first key of a JSON file, or _provenance.json beside other files).
A generator that cannot be imported stops the run before anything is written.
"""
import importlib
import json
import os
import re
import sys

import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "Fixtures"))
sys.path.insert(0, HERE)

# Every generator, in the order it runs. One that cannot be imported stops the run before anything is written:
# a golden file must never be silently left stale.
GENERATORS = ("gen_traversal", "gen_state", "gen_repr", "gen_seed_tour", "gen_checkpoints", "gen_summary", "gen_sharded", "gen_portcheck", "gen_optim", "gen_transformers")


def load_generators():
    sections = []
    for name in GENERATORS:
        try:
            module = importlib.import_module(name)
        except ImportError as e:
            sys.exit(f"generate.py: cannot import {name} ({e}); nothing was written. "
                     "Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision).")
        if not isinstance(getattr(module, "EMULATES_2X", None), list):
            sys.exit(f"generate.py: {name} does not declare EMULATES_2X (the PyTorch 2.x behaviours it emulates); nothing was written.")
        sections.append(module)
    return sections


def write_json(name, data):
    path = os.path.join(HERE, name)
    text = json.dumps(data, indent=1, ensure_ascii=False)
    # Keep lists of numbers (shapes) on one line.
    text = re.sub(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]", lambda m: "[" + ", ".join(re.split(r",\s*", m.group(1))) + "]", text)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text + "\n")
    print("wrote", os.path.relpath(path, HERE))


def provenance(section, written):
    """Where a golden file comes from: the generator, the PyTorch it ran on, and the 2.x behaviours it emulates."""
    return {
        "generator": "tests/TorchModel.Tests/Golden/" + section.__name__ + ".py",
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "emulates_2x": section.EMULATES_2X,
        "files": written,
    }


def snapshot():
    """The modification time of every file the generators may write."""
    stamps = {}
    for root in (HERE, FIXTURES):
        for folder, _, files in os.walk(root):
            if "__pycache__" in folder:
                continue
            for name in files:
                if not name.endswith(".py"):
                    path = os.path.join(folder, name)
                    stamps[path] = os.stat(path).st_mtime_ns
    return stamps


def record_provenance(section, before):
    """Puts "_provenance" first in every JSON file the section wrote, and writes "_provenance.json" beside the
    other files it wrote (seed_tour/*.txt, the checkpoint fixtures) in each folder that has no JSON of its own."""
    after = snapshot()
    written = sorted(p for p, t in after.items() if before.get(p) != t and not p.endswith("_provenance.json"))
    rel = [os.path.relpath(p, HERE).replace(os.sep, "/") for p in written]
    record = json.dumps(provenance(section, rel), ensure_ascii=False)
    folders = set()
    for path in written:
        # JSON fixtures outside Golden/ (a sharded checkpoint's index) are data with a fixed format: left as written.
        if path.endswith(".json") and os.path.dirname(path) == HERE:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if not text.startswith("{\n"):
                sys.exit(f"generate.py: {path} is not a JSON object written one key per line; cannot record its provenance.")
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write('{\n "_provenance": ' + record + ",\n" + text[2:])
        else:
            folders.add(os.path.dirname(path))
    for folder in sorted(folders):
        if folder != HERE:
            with open(os.path.join(folder, "_provenance.json"), "w", encoding="utf-8", newline="\n") as f:
                f.write(json.dumps(provenance(section, rel), indent=1, ensure_ascii=False) + "\n")
            print("wrote", os.path.relpath(os.path.join(folder, "_provenance.json"), HERE))


def main():
    sections = load_generators()
    print("torch", torch.__version__, "torchvision", torchvision.__version__)
    for section in sections:
        torch.manual_seed(0)
        before = snapshot()
        section.generate(write_json, HERE)
        record_provenance(section, before)


if __name__ == "__main__":
    main()
