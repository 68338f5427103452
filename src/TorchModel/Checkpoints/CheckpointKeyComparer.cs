namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// Python's dict-key equality for checkpoint values (<c>True == 1 == 1.0</c>), hashed through the process-seeded
/// <see cref="HashCode"/> so that a file cannot choose keys that collide (<see cref="long.GetHashCode"/> folds the
/// two halves of a long and is trivially collided), keeping dict building linear in the number of keys.
/// </summary>
internal sealed class CheckpointKeyComparer : IEqualityComparer<CheckpointValue>, IEqualityComparer<long>
{
    public static readonly CheckpointKeyComparer Instance = new();

    public bool Equals(CheckpointValue? x, CheckpointValue? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null) return false;
        if (x.IsNumber && y.IsNumber)
        {
            if (x.Kind == CheckpointValueKind.Float || y.Kind == CheckpointValueKind.Float)
                return x.NumberAsDouble() == y.NumberAsDouble();
            return x.RawBig == y.RawBig;
        }
        if (x.Kind != y.Kind) return false;
        return x.Kind switch
        {
            CheckpointValueKind.None => true,
            CheckpointValueKind.String => string.Equals(x.AsString(), y.AsString(), StringComparison.Ordinal),
            CheckpointValueKind.Bytes => x.RawBytes.AsSpan().SequenceEqual(y.RawBytes),
            _ => false,
        };
    }

    public int GetHashCode(CheckpointValue value)
    {
        switch (value.Kind)
        {
            case CheckpointValueKind.None: return 0x5bd1e995;
            case CheckpointValueKind.String: return value.AsString().GetHashCode(); // randomized per process
            case CheckpointValueKind.Bytes:
            {
                var h = new HashCode();
                h.AddBytes(value.RawBytes);
                return h.ToHashCode();
            }
            case CheckpointValueKind.Float:
            {
                double d = value.NumberAsDouble();
                if (d == Math.Floor(d) && d >= -9.2e18 && d <= 9.2e18) return GetHashCode((long)d);
                return HashCode.Combine(BitConverter.DoubleToInt64Bits(d) ^ 0x2545F491, 17);
            }
            case CheckpointValueKind.Bool:
            case CheckpointValueKind.Int:
            {
                var big = value.RawBig;
                if (big >= long.MinValue && big <= long.MaxValue) return GetHashCode((long)big);
                var h = new HashCode();
                h.AddBytes(big.ToByteArray());
                return h.ToHashCode();
            }
            default: return (int)value.Kind;
        }
    }

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long value)
    {
        var h = new HashCode();
        h.Add((int)value);
        h.Add((int)(value >> 32));
        return h.ToHashCode();
    }
}
