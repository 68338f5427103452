using TorchSharp.Modules;

namespace TorchModel.Tests.Models.ResNet18Mirror;

// A C# mirror of torchvision.models.resnet18 (torchvision/models/resnet.py): same class names, same
// registration order, same calls in forward (one `relu` per block, called twice; `downsample` registered
// only when present; no `flatten` module, unlike TorchSharp's own TorchVision ResNet).

public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    public BasicBlock(long inplanes, long planes, long stride = 1, nn.Module<Tensor, Tensor>? downsample = null) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        relu = nn.ReLU(inplace: true);
        conv2 = nn.Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
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
        var identity = x;
        var @out = conv1.call(x);
        @out = bn1.call(@out);
        @out = relu.call(@out);
        @out = conv2.call(@out);
        @out = bn2.call(@out);
        if (downsample is not null) identity = downsample.call(x);
        @out = @out + identity;
        return relu.call(@out);
    }
}

public sealed class ResNet : nn.Module<Tensor, Tensor>
{
    private long inplanes = 64;
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1, layer2, layer3, layer4;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear fc;

    public ResNet(long numClasses = 1000) : base(nameof(ResNet))
    {
        conv1 = nn.Conv2d(3, inplanes, 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(inplanes);
        relu = nn.ReLU(inplace: true);
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
        layer1 = MakeLayer(64, 2);
        layer2 = MakeLayer(128, 2, stride: 2);
        layer3 = MakeLayer(256, 2, stride: 2);
        layer4 = MakeLayer(512, 2, stride: 2);
        avgpool = nn.AdaptiveAvgPool2d([1, 1]);
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

    private Sequential MakeLayer(long planes, int blocks, long stride = 1)
    {
        nn.Module<Tensor, Tensor>? downsample = null;
        if (stride != 1 || inplanes != planes)
            downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride: stride, bias: false), nn.BatchNorm2d(planes));
        var layers = new List<nn.Module<Tensor, Tensor>> { new BasicBlock(inplanes, planes, stride, downsample) };
        inplanes = planes;
        for (int i = 1; i < blocks; i++) layers.Add(new BasicBlock(inplanes, planes));
        return nn.Sequential(layers);
    }

    public override Tensor forward(Tensor x)
    {
        x = conv1.call(x);
        x = bn1.call(x);
        x = relu.call(x);
        x = maxpool.call(x);
        x = layer1.call(x);
        x = layer2.call(x);
        x = layer3.call(x);
        x = layer4.call(x);
        x = avgpool.call(x);
        x = torch.flatten(x, 1);
        return fc.call(x);
    }
}
