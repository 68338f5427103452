"""Optimizer-state fixtures (issue #12): PyTorch trains a small model N steps from fixed weights and data with two
parameter groups (weights / biases, each with its own hyper-parameters), saves the model and optimizer state, then
trains M more steps; the C# tests load the state, train M steps in TorchSharp and compare with PyTorch's N+M result.

Run through generate.py. Expected values go to optim.json here; the training checkpoints that PyTorch wrote
(torch.save({"model", "optimizer", "epoch", "best_loss"})) go to ../Fixtures/optim/<case>.pt.

optim.json holds, per case, the optimizer state after N steps encoded as JSON (tensors as shape + row-major values;
"step" tagged as an int or a float32 scalar tensor exactly as PyTorch wrote it), so the in-memory mapping is tested
without the torch.save reader, and the .pt files test the same through a real file.

PyTorch 1.13 versus 2.x (our target is 2.x):
- 1.13 writes "step" as an int for RMSprop, Adadelta and Rprop and as a float32 scalar tensor for the others; 2.x
  writes a float32 scalar tensor everywhere. The fixtures keep what 1.13 wrote, so both forms are read; the C# writer
  writes the 2.x form. The "2x" case (adam_2x_step) converts every step to PyTorch 2.x's form explicitly.
- 1.13's param_groups lack keys 2.x adds (differentiable, fused, capturable for some, decoupled_weight_decay for NAdam
  and RAdam, maximize for NAdam and RAdam); their 2.x defaults do not change the update, so the N+M results are the
  2.x results for these configurations.
- NAdam: 1.13 computes mu_product_next = mu_product * mu * mu_next after mu_product *= mu (mu counted twice); 2.x
  fixed it to mu_product * mu_next. nadam_2x() below installs 2.x's single-tensor update for the NAdam cases.
- The other update rules exercised here (defaults plus the options listed in CASES) are the same in 1.13 and 2.x.
"""
import copy
import os

import numpy as np
import torch
import torch.nn as nn

EMULATES_2X = [
    "NAdam's 2.x update (mu_product_next = mu_product * mu_next; 1.13 multiplies mu in twice), installed by nadam_2x()",
    "adam_2x_step.pt: every 'step' as a float32 scalar tensor, as 2.x writes it (the other fixtures keep 1.13's int steps for RMSprop, Adadelta, Rprop)",
]

N_STEPS = 3
M_STEPS = 4

# (case, optimizer class, constructor defaults, [weights group options, biases group options])
CASES = [
    ("sgd_momentum", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.1), [dict(weight_decay=0.01), dict(lr=0.05)]),
    ("sgd_nesterov", "SGD", dict(lr=0.1, momentum=0.9, nesterov=True), [dict(weight_decay=0.01), dict(lr=0.05)]),
    ("adam", "Adam", dict(lr=0.01), [dict(weight_decay=0.01, betas=(0.8, 0.99)), dict(lr=0.02)]),
    ("adamw_amsgrad", "AdamW", dict(lr=0.01, amsgrad=True), [dict(weight_decay=0.1), dict(weight_decay=0.0, betas=(0.85, 0.995))]),
    ("rmsprop", "RMSprop", dict(lr=0.01, momentum=0.5, centered=True), [dict(weight_decay=0.01), dict(alpha=0.9)]),
    # initial_accumulator_value as a constructor argument: PyTorch (1.13 and 2.x) fills the initial "sum" from the
    # constructor's value and ignores a per-group one, while TorchSharp uses the group's.
    ("adagrad", "Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1), [dict(weight_decay=0.01), dict(eps=1e-8)]),
    ("adamax", "Adamax", dict(lr=0.01), [dict(weight_decay=0.01), dict(betas=(0.8, 0.99))]),
    ("nadam", "NAdam", dict(lr=0.01), [dict(weight_decay=0.01), dict(momentum_decay=0.005)]),
    ("radam", "RAdam", dict(lr=0.01), [dict(weight_decay=0.01), dict(betas=(0.8, 0.99))]),
    ("adadelta", "Adadelta", dict(lr=1.0), [dict(weight_decay=0.01), dict(rho=0.8)]),
    ("asgd", "ASGD", dict(lr=0.01, t0=2), [dict(weight_decay=0.01), dict(lambd=0.001)]),
    ("rprop", "Rprop", dict(lr=0.01), [dict(etas=(0.4, 1.3)), dict(step_sizes=(1e-5, 10))]),
]


def _single_tensor_nadam_2x(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, *, beta1, beta2, lr,
                            weight_decay, momentum_decay, eps, **_):
    """PyTorch 2.x's NAdam update (torch/optim/nadam.py, _single_tensor_nadam, not capturable, not decoupled)."""
    for i, param in enumerate(params):
        grad, exp_avg, exp_avg_sq, mu_product, step_t = grads[i], exp_avgs[i], exp_avg_sqs[i], mu_products[i], state_steps[i]
        step_t += 1
        step = step_t.item()
        bias_correction2 = 1 - beta2 ** step
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product *= mu
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = exp_avg_sq.div(bias_correction2).sqrt()
        mu_product_next = mu_product.item() * mu_next
        denom.add_(eps)
        param.addcdiv_(grad, denom, value=(-lr * (1.0 - mu) / (1.0 - mu_product.item())))
        param.addcdiv_(exp_avg, denom, value=(-lr * mu_next) / (1.0 - mu_product_next))


def nadam_2x():
    import torch.optim.nadam as nadam_module
    if torch.__version__.startswith("1."):
        nadam_module._single_tensor_nadam = _single_tensor_nadam_2x


def make_model():
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def floats(t):
    flat = t.detach().contiguous().reshape(-1)
    if t.dtype == torch.float64:
        return [float(v) for v in flat.tolist()]
    return [float(str(np.float32(v))) for v in flat.float().tolist()]


def tensor_json(t):
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": floats(t)}


def value_json(v):
    if isinstance(v, torch.Tensor):
        return {"tensor": tensor_json(v)}
    if v is None:
        return {"none": True}
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        return {"int": v}
    if isinstance(v, float):
        return {"float": v}
    if isinstance(v, (tuple, list)):
        return {"tuple": [value_json(x) for x in v]}
    raise TypeError(type(v))


def state_json(sd):
    return {
        "state": [{"index": i, "entries": [{"key": k, "value": value_json(v)} for k, v in s.items()]} for i, s in sd["state"].items()],
        "param_groups": [{"options": [{"key": k, "value": value_json(v)} for k, v in g.items() if k != "params"],
                          "params": list(g["params"])} for g in sd["param_groups"]],
    }


def steps_to_2x(sd):
    """PyTorch 2.x stores every optimizer's step as a float32 scalar tensor."""
    for s in sd["state"].values():
        if "step" in s and not isinstance(s["step"], torch.Tensor):
            s["step"] = torch.tensor(float(s["step"]), dtype=torch.float32)
    return sd


def build(name, defaults, group_options, model):
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in model.named_parameters() if n.endswith("bias")]
    groups = [dict(params=weights, **group_options[0]), dict(params=biases, **group_options[1])]
    return getattr(torch.optim, name)(groups, **defaults)


def train(model, opt, x, y, steps):
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
    return float(loss)


def generate(write_json, here):
    nadam_2x()
    out_dir = os.path.join(here, "..", "Fixtures", "optim")
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(12)
    init_model = make_model()
    init = {n: tensor_json(t) for n, t in init_model.state_dict().items()}
    x = torch.randn(8, 3)
    y = torch.randn(8, 2)
    cases = {}
    for case, name, defaults, group_options in CASES + [("adam_2x_step", "Adam", dict(lr=0.01), [dict(weight_decay=0.01), dict()])]:
        model = copy.deepcopy(init_model)
        opt = build(name, defaults, group_options, model)
        loss = train(model, opt, x, y, N_STEPS)
        sd = copy.deepcopy(opt.state_dict())  # state_dict() shares the live tensors; training on would change them
        if case.endswith("_2x_step"):
            sd = steps_to_2x(sd)
        torch.save({"model": model.state_dict(), "optimizer": sd, "epoch": N_STEPS, "best_loss": loss},
                   os.path.join(out_dir, case + ".pt"))
        after_n = {n: tensor_json(t) for n, t in model.state_dict().items()}
        train(model, opt, x, y, M_STEPS)
        cases[case] = {
            "optimizer": name,
            "defaults": {k: value_json(v) for k, v in defaults.items()},
            "group_options": [{k: value_json(v) for k, v in g.items()} for g in group_options],
            "state_after_n": state_json(sd),
            "model_after_n": after_n,
            "loss_after_n": loss,
            "final": {n: tensor_json(t) for n, t in model.state_dict().items()},
        }
    write_json("optim.json", {"torch": torch.__version__, "n": N_STEPS, "m": M_STEPS, "init": init,
                              "x": tensor_json(x), "y": tensor_json(y), "cases": cases})
