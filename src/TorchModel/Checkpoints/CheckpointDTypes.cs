using static TorchSharp.torch;

namespace TorchModel.Internal.Checkpoints;

/// <summary>The element types checkpoints carry: safetensors dtype names and torch storage class names mapped to libtorch's.</summary>
internal static class CheckpointDTypes
{
    /// <summary>The one dtype table of every checkpoint format: libtorch's type, its element size, its safetensors code
    /// and its torch.save storage class. A new format adds a column here.</summary>
    private static readonly (ScalarType Type, int Size, string SafeTensors, string Storage)[] Table =
    [
        (ScalarType.Float64, 8, "F64", "DoubleStorage"),
        (ScalarType.Float32, 4, "F32", "FloatStorage"),
        (ScalarType.Float16, 2, "F16", "HalfStorage"),
        (ScalarType.BFloat16, 2, "BF16", "BFloat16Storage"),
        (ScalarType.Int64, 8, "I64", "LongStorage"),
        (ScalarType.Int32, 4, "I32", "IntStorage"),
        (ScalarType.Int16, 2, "I16", "ShortStorage"),
        (ScalarType.Int8, 1, "I8", "CharStorage"),
        (ScalarType.Byte, 1, "U8", "ByteStorage"),
        (ScalarType.Bool, 1, "BOOL", "BoolStorage"),
    ];

    /// <summary>The safetensors dtype names TorchModel reads and writes, in the order the error messages list them.</summary>
    public static string SupportedSafeTensorsNames { get; } = string.Join(", ", Table.Select(e => e.SafeTensors));

    public static bool TryFromSafeTensors(string name, out ScalarType type, out int size)
    {
        foreach (var e in Table)
        {
            if (e.SafeTensors == name) { type = e.Type; size = e.Size; return true; }
        }
        type = default; size = 0;
        return false;
    }

    public static bool TryToSafeTensors(ScalarType type, out string name, out int size)
    {
        foreach (var e in Table)
        {
            if (e.Type == type) { name = e.SafeTensors; size = e.Size; return true; }
        }
        name = ""; size = 0;
        return false;
    }

    public static bool IsStorageName(string name) => Table.Any(e => e.Storage == name);

    public static (ScalarType Type, int Size) FromStorage(string name)
    {
        foreach (var e in Table)
        {
            if (e.Storage == name) return (e.Type, e.Size);
        }
        throw new InvalidOperationException(name);
    }
}
