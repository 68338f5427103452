#!/usr/bin/env python3
"""CI check (issue #12): PyTorch resumes training from checkpoints TorchModel (C#) wrote.

For every case of gen_optim.CASES, C# trained N steps from optim.json's initial weights and wrote
TrainingCheckpoint.Save(...) to <export>/<case>.pt, then trained M more steps and wrote its own N+M weights and the
param_groups it saved to <export>/<case>.json. Here PyTorch builds the same model and optimizer (as gen_optim does),
runs ckpt = torch.load(p); model.load_state_dict(ckpt["model"]); opt.load_state_dict(ckpt["optimizer"]), compares
opt.param_groups with what C# wrote (every key C# wrote but initial_lr, tuples as lists), trains M steps and compares
with C#'s N+M result within 1e-5 relative.

RAdam: TorchSharp 0.107's RAdam applies the learning rate twice once rectification starts (step 7 here), so C#'s own
N+M result is wrong; PyTorch's resumed result is compared with PyTorch's own N+M golden (optim.json) instead, which
still proves C#'s saved state is PyTorch's. NAdam: gen_optim.nadam_2x() installs PyTorch 2.x's update, as the golden
generator does (1.13 counts mu twice).

Usage: check_optim.py <export folder> <optim.json>
"""
import copy
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_optim  # noqa: E402


def tensor(t):
    return torch.tensor(t["values"], dtype=torch.float64).reshape(t["shape"]).to(getattr(torch, t["dtype"]))


def rel_error(actual, expected):
    return float(((actual.double() - expected.double()).abs() / expected.double().abs().clamp_min(1e-3)).max())


def same(a, b):
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b
    return float(a) == float(b)


def main(export, golden_path):
    gen_optim.nadam_2x()
    golden = json.load(open(golden_path))
    init = gen_optim.make_model()
    init.load_state_dict({k: tensor(v) for k, v in golden["init"].items()})
    x, y = tensor(golden["x"]), tensor(golden["y"])
    failures = 0
    cases = gen_optim.CASES + [("adam_2x_step", "Adam", dict(lr=0.01), [dict(weight_decay=0.01), dict()])]
    for case, name, defaults, group_options in cases:
        path = os.path.join(export, case + ".pt")
        written = json.load(open(os.path.join(export, case + ".json")))
        model = copy.deepcopy(init)
        # Other hyper-parameters than the case's: the loaded param_groups must bring the right ones.
        opt = gen_optim.build(name, defaults, [dict(), dict()], model)
        ckpt = torch.load(path)
        model.load_state_dict(ckpt["model"], strict=True)
        opt.load_state_dict(ckpt["optimizer"])
        assert ckpt["epoch"] == golden["n"], (case, ckpt["epoch"])
        problems = []
        for g, (actual, expected) in enumerate(zip(opt.param_groups, written["param_groups"])):
            for key, value in expected.items():
                if key == "initial_lr":
                    continue
                if not same(actual.get(key), value):
                    problems.append(f"param_groups[{g}].{key}: PyTorch has {actual.get(key)!r}, C# wrote {value!r}")
            # The case's own per-group options (lr / weight decay / betas ...) survived the border.
            for key, value in {**defaults, **group_options[g]}.items():
                if not same(actual[key], value):
                    problems.append(f"param_groups[{g}].{key}: {actual[key]!r}, the case sets {value!r}")
        gen_optim.train(model, opt, x, y, golden["m"])
        if case == "radam":
            reference, against = golden["cases"][case]["final"], "PyTorch's N+M (TorchSharp RAdam bug)"
            worst = max(rel_error(p.detach(), tensor(reference[n])) for n, p in model.named_parameters())
        else:
            against = "C#'s N+M"
            worst = max(rel_error(p.detach().reshape(-1), torch.tensor(written["final"][n], dtype=torch.float64))
                        for n, p in model.named_parameters())
        if worst >= 1e-5:
            problems.append(f"resumed weights differ from {against}: max relative error {worst:.3g}")
        status = "ok" if not problems else "FAILED"
        print(f"optim-roundtrip {case}: {status} (max relative error {worst:.2g} vs {against})")
        for p in problems:
            print("   ", p)
        failures += bool(problems)
    if failures:
        print(f"optim-roundtrip: {failures} case(s) failed")
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
