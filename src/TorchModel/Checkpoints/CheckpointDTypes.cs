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

    /// <summary>Storage classes of dtypes safetensors has no code for.</summary>
    private static readonly (ScalarType Type, int Size, string Storage)[] StorageOnly =
    [
        (ScalarType.ComplexFloat32, 8, "ComplexFloatStorage"),
        (ScalarType.ComplexFloat64, 16, "ComplexDoubleStorage"),
    ];

    private static IEnumerable<(ScalarType Type, int Size, string Storage)> Storages
        => Table.Select(static e => (e.Type, e.Size, e.Storage)).Concat(StorageOnly);

    public static bool IsStorageName(string name) => Storages.Any(e => e.Storage == name);

    public static (ScalarType Type, int Size) FromStorage(string name)
    {
        foreach (var e in Storages)
        {
            if (e.Storage == name) return (e.Type, e.Size);
        }
        throw new InvalidOperationException(name);
    }

    /// <summary>The legacy storage class name (<c>FloatStorage</c>) and element size of a dtype torch.save writes.</summary>
    public static bool TryToStorage(ScalarType type, out string name, out int size)
    {
        foreach (var e in Storages)
        {
            if (e.Type == type) { name = e.Storage; size = e.Size; return true; }
        }
        name = ""; size = 0;
        return false;
    }

    public static bool TryElementSize(ScalarType type, out int size) => TryToStorage(type, out _, out size);

    private static readonly (string Name, ScalarType Type)[] PythonDTypes =
    [
        ("float64", ScalarType.Float64), ("double", ScalarType.Float64),
        ("float32", ScalarType.Float32), ("float", ScalarType.Float32),
        ("float16", ScalarType.Float16), ("half", ScalarType.Float16),
        ("bfloat16", ScalarType.BFloat16),
        ("int64", ScalarType.Int64), ("long", ScalarType.Int64),
        ("int32", ScalarType.Int32), ("int", ScalarType.Int32),
        ("int16", ScalarType.Int16), ("short", ScalarType.Int16),
        ("int8", ScalarType.Int8),
        ("uint8", ScalarType.Byte),
        ("bool", ScalarType.Bool),
        ("complex64", ScalarType.ComplexFloat32), ("cfloat", ScalarType.ComplexFloat32),
        ("complex128", ScalarType.ComplexFloat64), ("cdouble", ScalarType.ComplexFloat64),
    ];

    /// <summary>Maps a <c>torch.&lt;name&gt;</c> dtype global (<c>float32</c>, <c>half</c>) to libtorch's type.</summary>
    public static bool TryFromPythonName(string name, out ScalarType type)
    {
        foreach (var e in PythonDTypes)
        {
            if (e.Name == name) { type = e.Type; return true; }
        }
        type = default;
        return false;
    }
}
