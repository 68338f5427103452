using TorchModel;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SeedTour;

// The tutorial's models, written the way a C# developer would (private readonly fields, auto-properties,
// PascalCase), registered under PyTorch's names by RegisterComponentsAsPyTorch(): Weight -> weight, _conv1 -> conv1.

/// <summary>class MyModel(nn.Module): weight = nn.Parameter(torch.randn(2, 2)), bias = nn.Parameter(torch.zeros(2)).</summary>
public sealed class MyModel : nn.Module<Tensor, Tensor>
{
    public Parameter Weight { get; } = new(torch.randn(2, 2));

    public Parameter Bias { get; } = new(torch.zeros(2));

    public MyModel() : base(nameof(MyModel)) => this.RegisterComponentsAsPyTorch();

    public override Tensor forward(Tensor x) => torch.matmul(x, Weight) + Bias;
}

/// <summary>The tutorial's first SimpleModel: conv1, fc1.</summary>
public sealed class SimpleModel1 : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1 = nn.Conv2d(1, 10, kernel_size: 5);
    private readonly Linear _fc1 = nn.Linear(320, 50);

    public SimpleModel1() : base(nameof(SimpleModel1)) => this.RegisterComponentsAsPyTorch();

    public override Tensor forward(Tensor x) => _fc1.forward(_conv1.forward(x).flatten(1));
}

/// <summary>The tutorial's second SimpleModel: conv1, conv2, fc1, fc2.</summary>
public sealed class SimpleModel2 : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1 = nn.Conv2d(1, 10, kernel_size: 5);
    private readonly Conv2d _conv2 = nn.Conv2d(10, 20, kernel_size: 5);
    private readonly Linear _fc1 = nn.Linear(320, 50);
    private readonly Linear _fc2 = nn.Linear(50, 10);

    public SimpleModel2() : base(nameof(SimpleModel2)) => this.RegisterComponentsAsPyTorch();

    public override Tensor forward(Tensor x)
    {
        x = nn.functional.max_pool2d(_conv1.forward(x), 2).relu();
        x = nn.functional.max_pool2d(_conv2.forward(x), 2).relu();
        return _fc2.forward(_fc1.forward(x.flatten(1)).relu());
    }
}

public static class Models
{
    /// <summary>nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Sequential(nn.Conv2d(1, 3, 3), nn.Sigmoid())).</summary>
    public static Sequential Seq() => nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Sequential(nn.Conv2d(1, 3, 3), nn.Sigmoid()));
}
