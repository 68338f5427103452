"""seed_tour/<n>.txt: the stdout of the seed tutorial's eight Python snippets (sections 0..7), run on real
PyTorch. samples/SeedTour prints the same bytes from C#; SeedTourTests compares them.
Nothing here differs between PyTorch 1.13 and 2.x."""
import contextlib
import io
import os

import torch
import torch.nn as nn

import models

# PyTorch 2.x behaviours this generator emulates where Debian's PyTorch 1.13 differs (generate.py records them
# in the "_provenance" of each file it writes).
EMULATES_2X = []

SNIPPETS = [
    # 0 nn.Parameter: MyModel.named_parameters()
    """
model = MyModel()
for name, param in model.named_parameters():
    print(name, param.size())
""",
    # 1 model.modules()
    """
for module in seq().modules():
    print(module)
""",
    # 2 model.named_modules()
    """
for name, module in seq().named_modules():
    print(name, module)
""",
    # 3 model.children()
    """
for child in seq().children():
    print(child)
""",
    # 4 model.named_children()
    """
for name, child in seq().named_children():
    print(name, child)
""",
    # 5 model.parameters()
    """
model = SimpleModel1()
for param in model.parameters():
    print(param.size())
total_trainable_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print("Total trainable parameters: ", total_trainable_params)
""",
    # 6 model.named_parameters()
    """
model = SimpleModel2()
for name, param in model.named_parameters():
    print(name, param.size())
""",
    # 7 model.state_dict()
    """
model = SimpleModel2()
state_dict = model.state_dict()
for key, value in state_dict.items():
    print(key, value.size())
""",
]


def generate(write_json, here):
    scope = {"torch": torch, "nn": nn, "MyModel": models.MyModel, "seq": models.seq,
             "SimpleModel1": models.SimpleModel1, "SimpleModel2": models.SimpleModel2}
    folder = os.path.join(here, "seed_tour")
    os.makedirs(folder, exist_ok=True)
    for n, snippet in enumerate(SNIPPETS):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(snippet, dict(scope))
        with open(os.path.join(folder, f"{n}.txt"), "w", encoding="utf-8", newline="\n") as f:
            f.write(out.getvalue())
        print("wrote", f"seed_tour/{n}.txt")
