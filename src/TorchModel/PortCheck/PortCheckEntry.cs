using static TorchSharp.torch;

namespace TorchModel;

/// <summary>The comparison of one captured tensor present on both sides of a <see cref="PortCheckReport"/>.</summary>
/// <param name="Index">The 0-based position in the expected (original's) execution order.</param>
/// <param name="Name">The capture name, e.g. <c>blocks.0.attn[0]</c> or <c>blocks.0.attn.proj:in[0]</c>.</param>
/// <param name="Module">The call it belongs to: the module's dotted name with its call suffix (<c>drop_1</c>), or <c>(root)</c>.</param>
/// <param name="IsInput">Whether the tensor is an input of the call rather than its output.</param>
/// <param name="ExpectedShape">The original's shape.</param>
/// <param name="ActualShape">The port's shape.</param>
/// <param name="ExpectedType">The original's dtype.</param>
/// <param name="ActualType">The port's dtype.</param>
/// <param name="MaxAbsError">The largest <c>|actual − expected|</c>; NaN when the shapes differ or a value is NaN on one side only.</param>
/// <param name="MaxRelError">The largest <c>|actual − expected| / |expected|</c> (infinity where expected is 0 and actual is not); NaN as above.</param>
/// <param name="Status">The verdict.</param>
public sealed record PortCheckEntry(
    int Index, string Name, string Module, bool IsInput, long[] ExpectedShape, long[] ActualShape,
    ScalarType ExpectedType, ScalarType ActualType, double MaxAbsError, double MaxRelError, PortCheckStatus Status)
{
    /// <summary>Gets the capture name.</summary>
    public string Name { get; init; } = Name ?? throw new ArgumentNullException(nameof(Name));

    /// <summary>Gets the call the tensor belongs to (module name with call suffix, or <c>(root)</c>).</summary>
    public string Module { get; init; } = Module ?? throw new ArgumentNullException(nameof(Module));

    /// <summary>Gets the original's shape.</summary>
    public long[] ExpectedShape { get; init; } = ExpectedShape ?? throw new ArgumentNullException(nameof(ExpectedShape));

    /// <summary>Gets the port's shape.</summary>
    public long[] ActualShape { get; init; } = ActualShape ?? throw new ArgumentNullException(nameof(ActualShape));

    /// <summary>Gets whether this tensor diverges (any status but <see cref="PortCheckStatus.Match"/>).</summary>
    public bool Diverges => Status != PortCheckStatus.Match;
}
