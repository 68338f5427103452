using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Models;

/// <summary>The test model ResNet18Mirror.ResNet has torchvision's resnet18 tree (Golden/traversal.json "resnet18") and
/// a working forward.</summary>
public sealed class ResNet18MirrorTests
{
    [Fact]
    public void Tree_EqualsTorchvision()
    {
        using var model = new TorchModel.Tests.Models.ResNet18Mirror.ResNet();
        var golden = Golden.Load("traversal.json").GetProperty("resnet18");
        model.NamedModules().Select(x => x.Name).ShouldBe(golden.GetProperty("named_modules").Names());
        model.NamedParameters().Select(x => x.Name).ShouldBe(golden.GetProperty("named_parameters").Names());
        model.NamedParameters().Select(x => x.Parameter.shape)
            .ShouldBe(golden.GetProperty("named_parameters").EnumerateArray().Select(e => e.GetProperty("shape").Longs()));
        model.NamedBuffers().Select(x => x.Name).ShouldBe(golden.GetProperty("named_buffers").Names());
    }

    [Fact]
    public void Forward_MapsImagesToClassScores()
    {
        using var model = new TorchModel.Tests.Models.ResNet18Mirror.ResNet(numClasses: 10);
        model.eval();
        using var input = torch.randn(2, 3, 64, 64);
        using var output = model.forward(input);
        output.shape.ShouldBe(new long[] { 2, 10 });
        output.isfinite().all().item<bool>().ShouldBeTrue();
    }
}
