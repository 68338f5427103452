using TorchModel.Internal;

namespace TorchModel;

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
        var (total, trainable, _) = ParameterCounter.Count(module);
        return new ParameterCounts(total, trainable);
    }
}
