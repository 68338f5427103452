namespace TorchModel.Tests.NativeFix;

public class NativeLoadingTests
{
    [Fact]
    public void TensorOp_RunsThroughLibTorch()
    {
        using var a = torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        using var b = a.matmul(a.T);
        b.data<float>().ToArray().ShouldBe(new float[] { 5, 14, 14, 50 });
    }
}
