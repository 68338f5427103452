"""Writes a repr.json-shaped golden of PyTorch's repr() of ParameterList/ParameterDict whose parameters are on a device.

Run on the GPU machine by build/gpu/run-on-device.sh, with that machine's PyTorch, so the CUDA repr check of
tests/TorchModel.CudaChecks compares TorchModel's Repr() with what this PyTorch prints (the device shows in the text,
and the committed tests/TorchModel.Tests/Golden/repr.json has CPU tensors only). The modules are the ones of the
committed golden: their Python constructor expressions are read from it.

Usage: python3 repr_golden.py <committed repr.json> <out.json> [device, default cuda]
"""
import json
import sys

import torch
import torch.nn as nn  # noqa: F401 (used by the constructor expressions)

IDS = ["ParameterList_two", "ParameterDict"]


def main():
    committed, out = sys.argv[1], sys.argv[2]
    device = sys.argv[3] if len(sys.argv) > 3 else "cuda"
    layers = json.load(open(committed))["layers"]
    result = {"torch": torch.__version__, "device": device, "layers": {}}
    for case in IDS:
        expression = layers[case]["python"]
        module = eval(expression).to(device)
        result["layers"][case] = {"python": expression, "repr": repr(module)}
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    for case in IDS:
        print(result["layers"][case]["repr"])


if __name__ == "__main__":
    main()
