
namespace TorchModel;

/// <summary>Extension methods on TorchSharp's <see cref="Tensor"/>.</summary>
public static class TensorExtensions
{
    /// <summary>Returns the tensor's shape as a <see cref="TorchModel.Size"/>, whose text is PyTorch's
    /// (<c>torch.Size([10, 1, 5, 5])</c>).</summary>
    /// <param name="tensor">The tensor.</param>
    /// <returns>The shape.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tensor"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>tensor.size()</c> / <c>tensor.shape</c>. TorchSharp's <c>size()</c> returns a
    /// <c>long[]</c>, which prints as <c>System.Int64[]</c>.</remarks>
    public static Size Size(this Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new Size(tensor.shape);
    }
}
