"""Python's side of the safetensors benchmark (docs/benchmarks.md): the same weights as SafeTensorsBenchmarks
(eight 4096x4096 float32 nn.Linear layers with biases, 537 MB), saved with torch.save, then timed

    model.load_state_dict(torch.load(p))

against a raw read of the same file into an existing bytearray (the same floor the C# run uses), both from the page
cache, interleaved, best-of and median of N rounds. Run with Debian's interpreter, which has PyTorch:

    /usr/bin/python3 tests/TorchModel.Benchmarks/python_load_baseline.py [rounds]
"""
import os
import statistics
import sys
import tempfile
import time

import torch
import torch.nn as nn


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    torch.manual_seed(0)
    model = nn.Sequential(*[nn.Linear(4096, 4096) for _ in range(8)])
    with tempfile.TemporaryDirectory(prefix="tm-pybench-") as folder:
        path = os.path.join(folder, "model.pt")
        torch.save(model.state_dict(), path)
        size = os.path.getsize(path)
        buffer = bytearray(size)

        def raw():
            with open(path, "rb", buffering=0) as f:
                view = memoryview(buffer)
                done = 0
                while done < size:
                    done += f.readinto(view[done:])

        def load():
            model.load_state_dict(torch.load(path))

        raw(), load()  # warm-up: page cache, first-touch of the buffer
        times = {"raw": [], "load": []}
        for _ in range(rounds):
            for name, fn in (("raw", raw), ("load", load)):
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
        raw_median = statistics.median(times["raw"])
        print(f"torch {torch.__version__}, file {size / 1e6:.1f} MB, {rounds} interleaved rounds")
        for name, label in (("raw", "raw read into bytearray"), ("load", "model.load_state_dict(torch.load(p))")):
            med = statistics.median(times[name])
            print(f"{label}: median {med * 1e3:.1f} ms, min {min(times[name]) * 1e3:.1f} ms, "
                  f"{size / med / 1e9:.2f} GB/s, ratio to raw read {med / raw_median:.2f}")


if __name__ == "__main__":
    main()
