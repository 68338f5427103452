namespace TorchModel.Tests.Models;

// C# mirrors of the models defined in Golden/gen_repr.py (same class names, same registration order).

public sealed class Custom : nn.Module
{
    public Custom() : base(nameof(Custom))
    {
        register_module("body", nn.Sequential(nn.Linear(4, 4), nn.ReLU()));
        register_module("head", nn.Linear(4, 2));
    }
}

public sealed class Scaled : nn.Module, IExtraRepr
{
    public Scaled() : base(nameof(Scaled))
    {
        register_module("inner", nn.Linear(1, 1));
    }

    public string ExtraRepr() => "factor=2.0\nmode=fast";
}

public sealed class Runs : nn.Module
{
    public Runs() : base(nameof(Runs))
    {
        register_module("blocks", nn.ModuleList<Module>(nn.Linear(4, 4), nn.Linear(4, 4), nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4), nn.ReLU(), nn.ReLU()));
        register_module("one", nn.ModuleList<Module>(nn.ReLU()));
        register_module("empty", nn.ModuleList<Module>());
        register_module("heads", nn.ModuleDict<Module>(("a", nn.ReLU()), ("b", nn.ReLU())));
        register_module("seq", nn.Sequential(nn.ReLU(), nn.ReLU()));
    }
}
