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
