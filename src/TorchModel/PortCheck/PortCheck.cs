using TorchModel.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchModel;

/// <summary>Compares the captures of a PyTorch model and its .NET port, to find the first module where they diverge.</summary>
/// <remarks>Capture the original with <c>tools/capture_outputs.py</c> and the port with
/// <see cref="ModuleExtensions.CaptureOutputs(Module, Tensor, CaptureOptions)"/> on the same inputs and weights, then
/// call <see cref="Compare"/>. See docs/portcheck.md.</remarks>
public static class PortCheck
{
    /// <summary>Compares two captures tensor by tensor, in the expected side's execution order.</summary>
    /// <param name="expected">The original's capture (usually <see cref="CapturedOutputs.Load"/> of the Python file); its
    /// enumeration order is taken as the execution order.</param>
    /// <param name="actual">The port's capture.</param>
    /// <param name="atol">The absolute tolerance (≥ 0).</param>
    /// <param name="rtol">The relative tolerance (≥ 0).</param>
    /// <returns>The report: one entry per name on both sides, the first divergence, the module it points at, and the names
    /// missing on either side.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="expected"/> or <paramref name="actual"/> (or a tensor in them) is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="atol"/> or <paramref name="rtol"/> is negative, NaN or infinite.</exception>
    /// <remarks>
    /// <para>An element is within tolerance when <c>|actual − expected| ≤ atol + rtol × |expected|</c>, the test of
    /// PyTorch's <c>torch.allclose(actual, expected, rtol, atol)</c>; NaN equals NaN (a port that reproduces a NaN
    /// matches). Values are compared as float64 on the CPU, whatever their dtype and device; the inputs are not changed.</para>
    /// <para>The first divergence is the first entry in execution order whose status is not
    /// <see cref="PortCheckStatus.Match"/>. When it is an output, the mistake is in that module's own forward (its
    /// captured children matched); when it is an input (captures made with <see cref="CaptureOptions.IncludeInputs"/>),
    /// the tensor went wrong before the module was called, i.e. in the forward of the module that calls it — see
    /// <see cref="PortCheckReport.SuspectModule"/>.</para>
    /// </remarks>
    public static PortCheckReport Compare(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual, double atol = 1e-5, double rtol = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (!double.IsFinite(atol) || atol < 0) throw Throw.BadTolerance(nameof(atol), atol);
        if (!double.IsFinite(rtol) || rtol < 0) throw Throw.BadTolerance(nameof(rtol), rtol);

        var entries = new List<PortCheckEntry>();
        var missingInActual = new List<string>();
        foreach (var (name, e) in expected)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(expected));
            if (!actual.TryGetValue(name, out var a))
            {
                missingInActual.Add(name);
                continue;
            }
            ArgumentNullException.ThrowIfNull(a, nameof(actual));
            entries.Add(CompareOne(entries.Count + missingInActual.Count, name, e, a, atol, rtol));
        }
        var missingInExpected = new List<string>();
        foreach (var (name, _) in actual)
        {
            if (!expected.ContainsKey(name)) missingInExpected.Add(name);
        }
        return new PortCheckReport(entries, missingInActual, missingInExpected, atol, rtol);
    }

    private static PortCheckEntry CompareOne(int index, string name, Tensor expected, Tensor actual, double atol, double rtol)
    {
        var (call, isInput) = CaptureNames.Describe(name);
        long[] es = expected.shape, @as = actual.shape;
        if (!es.AsSpan().SequenceEqual(@as))
        {
            return new PortCheckEntry(index, name, call, isInput, es, @as, expected.dtype, actual.dtype,
                double.NaN, double.NaN, PortCheckStatus.ShapeMismatch);
        }
        double maxAbs, maxRel;
        bool exceeds;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var e = expected.detach().to(ScalarType.Float64, CPU);
            var a = actual.detach().to(ScalarType.Float64, CPU);
            var bothNaN = e.isnan().logical_and(a.isnan());
            var diff = (a - e).abs().masked_fill(bothNaN, 0.0);
            var magnitude = e.abs();
            var rel = torch.where(diff.eq(0.0), torch.zeros_like(diff), diff / magnitude);
            bool anyNaN = diff.isnan().any().item<bool>();
            maxAbs = diff.numel() == 0 ? 0 : anyNaN ? double.NaN : diff.max().item<double>();
            maxRel = diff.numel() == 0 ? 0 : anyNaN ? double.NaN : rel.max().item<double>();
            exceeds = anyNaN || diff.gt(magnitude * rtol + atol).any().item<bool>();
        }
        var status = exceeds ? PortCheckStatus.ExceedsTolerance
            : expected.dtype != actual.dtype ? PortCheckStatus.DTypeMismatch
            : PortCheckStatus.Match;
        return new PortCheckEntry(index, name, call, isInput, es, @as, expected.dtype, actual.dtype, maxAbs, maxRel, status);
    }
}
