using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchModel.CudaChecks;

/// <summary>The assertions of the checks; each throws <see cref="CheckFailedException"/> with what differed.</summary>
internal static class Expect
{
    public static void True(bool condition, string what)
    {
        if (!condition) throw new CheckFailedException(what);
    }

    public static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw new CheckFailedException($"{what}: expected {expected}, found {actual}");
    }

    public static void OnDevice(Tensor tensor, Device device, string name)
    {
        if (tensor.device_type != device.type)
            throw new CheckFailedException($"{name} is on {tensor.device}, expected {device.type.ToString().ToLowerInvariant()}");
    }

    /// <summary>Same keys in the same order, same shapes and dtypes, and values within <paramref name="tolerance"/>
    /// (0: bit-equal), compared on the CPU.</summary>
    public static void SameTensors(IReadOnlyList<KeyValuePair<string, Tensor>> expected, IReadOnlyList<KeyValuePair<string, Tensor>> actual, string what, double tolerance = 0)
    {
        Equal(string.Join(", ", expected.Select(x => x.Key)), string.Join(", ", actual.Select(x => x.Key)), $"{what}: keys");
        for (int i = 0; i < expected.Count; i++)
        {
            var (name, e) = (expected[i].Key, expected[i].Value);
            var a = actual[i].Value;
            Equal(string.Join('x', e.shape), string.Join('x', a.shape), $"{what}: shape of {name}");
            Equal(e.dtype, a.dtype, $"{what}: dtype of {name}");
            using var ec = e.detach().cpu();
            using var ac = a.detach().cpu();
            if (tolerance == 0)
            {
                if (!ec.eq(ac).all().item<bool>()) throw new CheckFailedException($"{what}: {name} differs");
            }
            else
            {
                double diff = MaxAbsDiff(ec, ac);
                if (!(diff <= tolerance))
                    throw new CheckFailedException(string.Create(CultureInfo.InvariantCulture, $"{what}: {name} differs by {diff:G3} (> {tolerance:G3})"));
            }
        }
    }

    public static double MaxAbsDiff(Tensor expected, Tensor actual)
    {
        using var e = expected.detach().cpu().to(ScalarType.Float64);
        using var a = actual.detach().cpu().to(ScalarType.Float64);
        if (e.numel() == 0) return 0;
        using var diff = (e - a).abs().max();
        return diff.item<double>();
    }
}
