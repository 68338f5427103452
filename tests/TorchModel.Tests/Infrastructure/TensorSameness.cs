namespace TorchModel.Tests.Infrastructure;

/// <summary>Exact tensor comparison for the checkpoint tests.</summary>
public static class TensorSameness
{
    public static bool SameAs(this Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }
}
