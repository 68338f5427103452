using System.Collections;
using System.Globalization;
using System.Text;
using TorchModel.Internal;

namespace TorchModel;

/// <summary>
/// A tensor's shape, as PyTorch's <c>torch.Size</c>: an immutable list of dimension lengths whose text is
/// <c>torch.Size([10, 1, 5, 5])</c> (and <c>torch.Size([])</c> for a scalar).
/// </summary>
public readonly struct Size : IReadOnlyList<long>, IEquatable<Size>, IEquatable<long[]>
{
    private readonly long[]? _dims;

    /// <summary>Creates a size from dimension lengths (copied).</summary>
    /// <param name="dimensions">The length of each dimension.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dimensions"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is negative.</exception>
    public Size(params ReadOnlySpan<long> dimensions)
    {
        foreach (long d in dimensions)
        {
            if (d < 0) throw Throw.NegativeDimension(d, nameof(dimensions));
        }
        _dims = dimensions.ToArray();
    }

    private ReadOnlySpan<long> Dims => _dims ?? [];

    /// <summary>The number of dimensions (PyTorch's <c>len(size)</c>).</summary>
    public int Count => Dims.Length;

    /// <summary>The length of dimension <paramref name="index"/>; negative indexes count from the end, as in Python.</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is outside <c>[-Count, Count)</c>.</exception>
    public long this[int index]
    {
        get
        {
            int i = index < 0 ? index + Count : index;
            if ((uint)i >= (uint)Count) throw Throw.SizeIndexOutOfRange(index, Count);
            return Dims[i];
        }
    }

    /// <summary>Returns the number of elements a tensor of this size holds (PyTorch's <c>Size.numel()</c>); 1 for a scalar.</summary>
    public long Numel()
    {
        long n = 1;
        foreach (long d in Dims) n = checked(n * d);
        return n;
    }

    /// <summary>Returns the dimension lengths as a new array.</summary>
    public long[] ToArray() => Dims.ToArray();

    /// <summary>Returns PyTorch's text, e.g. <c>torch.Size([10, 1, 5, 5])</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("torch.Size([");
        for (int i = 0; i < Count; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(Dims[i].ToString(CultureInfo.InvariantCulture));
        }
        return text.Append("])").ToString();
    }

    /// <inheritdoc />
    public bool Equals(Size other) => Dims.SequenceEqual(other.Dims);

    /// <summary>Whether the dimension lengths equal <paramref name="other"/>'s, element by element.</summary>
    public bool Equals(long[]? other) => other is not null && Dims.SequenceEqual(other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj switch
    {
        Size size => Equals(size),
        long[] array => Equals(array),
        _ => false,
    };

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (long d in Dims) hash.Add(d);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)(_dims ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether two sizes are equal.</summary>
    public static bool operator ==(Size left, Size right) => left.Equals(right);

    /// <summary>Whether two sizes differ.</summary>
    public static bool operator !=(Size left, Size right) => !left.Equals(right);

    /// <summary>Whether a size equals an array of dimension lengths.</summary>
    public static bool operator ==(Size left, long[]? right) => left.Equals(right);

    /// <summary>Whether a size differs from an array of dimension lengths.</summary>
    public static bool operator !=(Size left, long[]? right) => !left.Equals(right);

    /// <summary>Creates a size from dimension lengths.</summary>
    public static implicit operator Size(long[] dimensions) => new(dimensions ?? throw new ArgumentNullException(nameof(dimensions)));
}
