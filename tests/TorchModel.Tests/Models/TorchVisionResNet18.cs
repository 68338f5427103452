using TorchSharp.Modules;

namespace TorchModel.Tests.Models;

// torchvision's resnet18 module tree, exactly: conv1, bn1, relu, maxpool, layer1..layer4 of BasicBlock
// (conv1, bn1, relu, conv2, bn2[, downsample]), avgpool, fc. TorchVision .NET's ResNet differs (relu1/relu2 after
// bn2, an extra flatten), so repr and summary tests that compare whole trees use this model. Registration is
// explicit, in torchvision's __init__ order; the weights use TorchSharp's default initialisation.

/// <summary>torchvision.models.resnet.BasicBlock.</summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(long inplanes, long planes, long stride = 1, Sequential? downsample = null) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inplanes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        relu = nn.ReLU(inplace: true);
        conv2 = nn.Conv2d(planes, planes, kernel_size: 3, stride: 1, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        this.downsample = downsample;
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        register_module("relu", relu);
        register_module("conv2", conv2);
        register_module("bn2", bn2);
        if (downsample is not null) register_module("downsample", downsample);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var identity = downsample is null ? x : downsample.forward(x);
        var y = relu.forward(bn1.forward(conv1.forward(x)));
        y = bn2.forward(conv2.forward(y));
        y = y.add_(identity);
        return relu.forward(y).MoveToOuterDisposeScope();
    }
}

/// <summary>Builds torchvision's resnet18 tree; the class is named <see cref="ResNet"/> so that its repr's root line
/// reads <c>ResNet(</c>, as torchvision's does.</summary>
public static class TorchVisionResNet18
{
    /// <summary>torchvision.models.resnet18(num_classes).</summary>
    public static ResNet Create(long numClasses = 1000) => new(numClasses);
}

/// <summary>torchvision.models.resnet.ResNet with BasicBlock and layers [2, 2, 2, 2] (resnet18).</summary>
public sealed class ResNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear fc;

    public ResNet(long numClasses = 1000) : base(nameof(ResNet))
    {
        long inplanes = 64;
        conv1 = nn.Conv2d(3, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(64);
        relu = nn.ReLU(inplace: true);
        maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        layer1 = MakeLayer(ref inplanes, 64, 1);
        layer2 = MakeLayer(ref inplanes, 128, 2);
        layer3 = MakeLayer(ref inplanes, 256, 2);
        layer4 = MakeLayer(ref inplanes, 512, 2);
        avgpool = nn.AdaptiveAvgPool2d(new long[] { 1, 1 });
        fc = nn.Linear(512, numClasses);
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        register_module("relu", relu);
        register_module("maxpool", maxpool);
        register_module("layer1", layer1);
        register_module("layer2", layer2);
        register_module("layer3", layer3);
        register_module("layer4", layer4);
        register_module("avgpool", avgpool);
        register_module("fc", fc);
    }

    private static Sequential MakeLayer(ref long inplanes, long planes, long stride)
    {
        Sequential? downsample = null;
        if (stride != 1 || inplanes != planes)
        {
            downsample = nn.Sequential(nn.Conv2d(inplanes, planes, kernel_size: 1, stride: stride, bias: false), nn.BatchNorm2d(planes));
        }
        var first = new BasicBlock(inplanes, planes, stride, downsample);
        inplanes = planes;
        return nn.Sequential(first, new BasicBlock(inplanes, planes));
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var y = maxpool.forward(relu.forward(bn1.forward(conv1.forward(x))));
        y = layer4.forward(layer3.forward(layer2.forward(layer1.forward(y))));
        y = torch.flatten(avgpool.forward(y), 1);
        return fc.forward(y).MoveToOuterDisposeScope();
    }
}
