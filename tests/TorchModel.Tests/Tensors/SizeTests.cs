namespace TorchModel.Tests.Tensors;

public class SizeTests
{
    [Theory]
    [InlineData(new long[] { 10, 1, 5, 5 }, "torch.Size([10, 1, 5, 5])")]
    [InlineData(new long[] { 50 }, "torch.Size([50])")]
    [InlineData(new long[0], "torch.Size([])")]
    public void ToString_IsPyTorchText(long[] shape, string text)
    {
        using var t = torch.zeros(shape);
        t.Size().ToString().ShouldBe(text);
    }

    [Fact]
    public void Size_BehavesLikeTorchSize()
    {
        using var t = torch.zeros(10, 1, 5, 5);
        var size = t.Size();
        size.Count.ShouldBe(4);
        size[0].ShouldBe(10);
        size[-1].ShouldBe(5);
        size.Numel().ShouldBe(250);
        (size == new long[] { 10, 1, 5, 5 }).ShouldBeTrue();
        (size == new Size(10, 1, 5, 5)).ShouldBeTrue();
        (size != new long[] { 10, 1, 5 }).ShouldBeTrue();
        size.ShouldBe(new long[] { 10, 1, 5, 5 });
        Should.Throw<IndexOutOfRangeException>(() => size[4]);
    }

    [Fact]
    public void ScalarSize_HasNoDimensionsAndOneElement()
    {
        using var t = torch.tensor(3.0f);
        t.Size().Count.ShouldBe(0);
        t.Size().Numel().ShouldBe(1);
        default(Size).ToString().ShouldBe("torch.Size([])");
    }
}
