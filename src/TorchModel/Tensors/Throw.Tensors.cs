namespace TorchModel.Internal;

/// <summary>The wording of <see cref="Size"/> errors; PyTorch's text for an index out of range.</summary>
internal static partial class Throw
{
    public static ArgumentOutOfRangeException NegativeDimension(long length, string paramName)
        => new(paramName, length, $"Dimension lengths must be non-negative, got {length}.");

    public static IndexOutOfRangeException SizeIndexOutOfRange(int index, int count)
        => new($"tuple index out of range: {index} for a size of {count} dimensions");
}
