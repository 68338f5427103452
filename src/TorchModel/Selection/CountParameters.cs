using TorchModel.Internal;

namespace TorchModel;

/// <summary>The parameter counts of a model, as PyTorch code usually computes them.</summary>
/// <param name="Total">Elements of all parameters, each tensor once (tied weights once).</param>
/// <param name="Trainable">Elements of the parameters that require gradients.</param>
public readonly record struct ParameterCounts(long Total, long Trainable)
{
    /// <summary>Gets the elements of the parameters that do not require gradients.</summary>
    public long NonTrainable => Total - Trainable;

    /// <summary>Describes the counts as torchinfo's footer does.</summary>
    /// <returns>E.g. <c>11,689,512 parameters (11,689,512 trainable, 0 non-trainable)</c>.</returns>
    public override string ToString()
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Total:#,0} parameters ({Trainable:#,0} trainable, {NonTrainable:#,0} non-trainable)");
}

public static partial class ModuleExtensions
{
    /// <summary>Counts the parameter elements of a module and its descendants: total, trainable and non-trainable.</summary>
    /// <param name="module">The root module.</param>
    /// <returns>The counts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>sum(p.numel() for p in model.parameters())</c> and the same with
    /// <c>if p.requires_grad</c>. Tied weights count once (de-duplicated by libtorch tensor, like PyTorch), whereas
    /// summing TorchSharp's <c>parameters()</c> counts an <c>Embedding</c>-tied weight twice. Buffers are not counted.</remarks>
    public static ParameterCounts CountParameters(this Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        long total = 0, trainable = 0;
        foreach (var (_, parameter) in ModuleWalker.Parameters(module, "", recurse: true, removeDuplicate: true))
        {
            long n = parameter.numel();
            total += n;
            if (parameter.requires_grad) trainable += n;
        }
        return new ParameterCounts(total, trainable);
    }
}
