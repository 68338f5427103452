"""Golden numbers for Summary(): torchinfo's definitions, computed with real torchvision resnet18.

torchinfo itself is not installable here (not in Debian, no PyPI), so this module recomputes its
per-row and total figures from their published definitions (torchinfo/layer_info.py and
model_statistics.py): one row per module call in call order, depth = call nesting; Param # = the
module's own named_parameters() (recursive, de-duplicated); mult-adds only on leaf modules
(Conv*: numel * N * prod(out[2:]); Linear: numel * prod(out[:-1]); other weight/bias: N * numel);
forward/backward size = 2 x output bytes of leaf modules that own parameters; params size =
parameter bytes; totals from the root's named_parameters(). Input size here is the tensor's data
size (torchinfo adds CPython object overhead via sys.getsizeof; TorchModel documents that).
Published torchinfo figures for resnet18 at (1, 3, 224, 224), which these must reproduce:
11,689,512 params, 1.81 G mult-adds, 39.75 MB forward/backward, 46.76 MB params.
The models run in eval mode; the numbers are the same in PyTorch 1.13 and 2.x.
"""
import math

import torch
import torchvision

# PyTorch 2.x behaviours this generator emulates where Debian's PyTorch 1.13 differs (generate.py records them
# in the "_provenance" of each file it writes).
EMULATES_2X = []


def _summary(model, shape):
    rows, stack, handles = [], [], []
    names = {m: n for n, m in model.named_modules()}

    def pre(module, _inputs):
        row = {"path": names[module], "class": type(module).__name__, "depth": len(stack), "module": module}
        rows.append(row)
        stack.append(row)

    def post(module, inputs, output):
        row = stack.pop()
        row["output_shape"] = list(output.shape)
        row["output_bytes"] = output.numel() * output.element_size()

    for m in model.modules():
        handles.append(m.register_forward_pre_hook(pre))
        handles.append(m.register_forward_hook(post))
    model.eval()
    x = torch.rand(*shape)
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()

    total_macs = 0
    fb_bytes = 0
    out_rows = []
    for row in rows:
        module = row.pop("module")
        leaf = len(list(module.children())) == 0
        params = list(module.parameters())
        num = sum(p.numel() for p in params)
        trainable = sum(p.numel() for p in params if p.requires_grad)
        direct = sum(p.numel() for p in module.parameters(recurse=False))
        macs = 0
        if leaf:
            out = row["output_shape"]
            for name, p in module.named_parameters():
                if name in ("weight", "bias"):
                    if "Conv" in row["class"]:
                        macs += p.numel() * math.prod(out[:1] + out[2:])
                    elif "Linear" in row["class"]:
                        macs += p.numel() * math.prod(out[:-1])
                    else:
                        macs += out[0] * p.numel()
                elif "weight" in name or "bias" in name:
                    macs += math.prod(out[:2]) * p.numel()
            total_macs += macs
            if num > 0:
                fb_bytes += row["output_bytes"] * 2
        row.update(params=num, trainable=trainable, leftover=direct, leaf=leaf, macs=macs)
        out_rows.append(row)

    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    param_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    input_bytes = x.numel() * x.element_size()
    return {
        "input_shape": list(shape),
        "total_params": total,
        "trainable_params": trainable,
        "total_mult_adds": total_macs,
        "input_bytes": input_bytes,
        "forward_backward_bytes": fb_bytes,
        "param_bytes": param_bytes,
        "rows": out_rows,
    }


def generate(write_json, here):
    cases = {}
    cases["resnet18_224"] = _summary(torchvision.models.resnet18(), (1, 3, 224, 224))
    frozen = torchvision.models.resnet18()
    for name, p in frozen.named_parameters():
        if name.startswith(("conv1.", "bn1.", "layer1.")):
            p.requires_grad_(False)
    cases["resnet18_frozen_64"] = _summary(frozen, (2, 3, 64, 64))
    cases["resnet18_frozen_64"]["frozen"] = ["conv1.**", "bn1.**", "layer1.**"]
    write_json("summary.json", cases)
