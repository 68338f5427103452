"""Models shared by the golden generators. Each one is mirrored line by line by a C# model in
tests/TorchModel.Tests/Models/ (same names, same registration order)."""
import torch
import torch.nn as nn
import torchvision


class MyModel(nn.Module):
    def __init__(self):
        super(MyModel, self).__init__()
        self.weight = nn.Parameter(torch.randn(2, 2))
        self.bias = nn.Parameter(torch.zeros(2))


def seq():
    return nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Sequential(nn.Conv2d(1, 3, 3), nn.Sigmoid()))


class SimpleModel1(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.fc1 = nn.Linear(320, 50)


class SimpleModel2(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)


class Block(nn.Module):
    def __init__(self, shared):
        super().__init__()
        self.norm = nn.LayerNorm(4)
        self.fc = shared


class SharedModules(nn.Module):
    """One Linear reached through two blocks and directly; a Sequential holding one module twice."""
    def __init__(self):
        super().__init__()
        shared = nn.Linear(4, 4)
        self.block1 = Block(shared)
        self.block2 = Block(shared)
        self.direct = shared
        relu = nn.ReLU()
        self.twice = nn.Sequential(relu, nn.Linear(4, 2), relu)


class TiedLM(nn.Module):
    """A language-model head whose weight is the embedding's."""
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.body = nn.Linear(4, 4)
        self.head = nn.Linear(4, 10, bias=False)
        self.head.weight = self.embed.weight


class Frozen(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
        self.head = nn.Linear(4, 2)
        for p in self.backbone.parameters():
            p.requires_grad = False


class WithBuffers(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(3))
        self.register_buffer("steps", torch.zeros((), dtype=torch.int64))
        self.register_buffer("cache", torch.zeros(2, 3), persistent=False)
        self.bn = nn.BatchNorm1d(3)
        self.register_buffer("mask", torch.ones(3, dtype=torch.bool))
        self.fc = nn.Linear(3, 1)


class Containers(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2)])
        self.heads = nn.ModuleDict({"cls": nn.Linear(2, 5), "box": nn.Linear(2, 4)})
        self.plist = nn.ParameterList([nn.Parameter(torch.zeros(3, 4)), nn.Parameter(torch.zeros(5, dtype=torch.float64))])
        self.pdict = nn.ParameterDict({"left": nn.Parameter(torch.zeros(5, 10)), "right": nn.Parameter(torch.zeros(2))})


def deep(depth=50):
    """Sequential nested depth times around one Linear."""
    m = nn.Linear(2, 2)
    for _ in range(depth):
        m = nn.Sequential(m)
    return m


def models():
    """(name, factory) for every model the traversal goldens cover."""
    return [
        ("MyModel", MyModel),
        ("Seq", seq),
        ("SimpleModel1", SimpleModel1),
        ("SimpleModel2", SimpleModel2),
        ("SharedModules", SharedModules),
        ("TiedLM", TiedLM),
        ("Frozen", Frozen),
        ("WithBuffers", WithBuffers),
        ("Containers", Containers),
        ("Deep", lambda: deep(50)),
        ("resnet18", lambda: torchvision.models.resnet18()),
        ("vgg11", lambda: torchvision.models.vgg11()),
    ]
