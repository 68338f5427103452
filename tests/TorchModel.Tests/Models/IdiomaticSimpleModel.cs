using TorchSharp.Modules;
using TorchSharp.Utils;

namespace TorchModel.Tests.Models.Idiomatic;

/// <summary>The seed's SimpleModel (models.py SimpleModel2) written with idiomatic C# members.</summary>
public sealed class SimpleModel2 : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1 = nn.Conv2d(1, 10, kernel_size: 5);
    private readonly Conv2d m_conv2 = nn.Conv2d(10, 20, kernel_size: 5);

    public Linear Fc1 { get; } = nn.Linear(320, 50);

    [ComponentName(Name = "fc2")]
    public Linear Classifier { get; } = nn.Linear(50, 10);

    public SimpleModel2() : base(nameof(SimpleModel2)) => this.RegisterComponentsAsPyTorch();

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        x = torch.nn.functional.relu(torch.nn.functional.max_pool2d(_conv1.forward(x), 2));
        x = torch.nn.functional.relu(torch.nn.functional.max_pool2d(m_conv2.forward(x), 2));
        x = torch.nn.functional.relu(Fc1.forward(x.flatten(1)));
        return Classifier.forward(x).MoveToOuterDisposeScope();
    }
}
