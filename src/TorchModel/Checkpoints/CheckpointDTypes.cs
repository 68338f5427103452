using TorchSharp;
using static TorchSharp.torch;

namespace TorchModel.Internal.Checkpoints;

/// <summary>The element types checkpoints carry: safetensors dtype names and torch storage class names mapped to libtorch's.</summary>
internal static class CheckpointDTypes
{
    private static readonly (string Name, ScalarType Type, int Size)[] SafeTensorsTable =
    [
        ("F64", ScalarType.Float64, 8),
        ("F32", ScalarType.Float32, 4),
        ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2),
        ("I64", ScalarType.Int64, 8),
        ("I32", ScalarType.Int32, 4),
        ("I16", ScalarType.Int16, 2),
        ("I8", ScalarType.Int8, 1),
        ("U8", ScalarType.Byte, 1),
        ("BOOL", ScalarType.Bool, 1),
    ];

    private static readonly (string Name, ScalarType Type, int Size)[] StorageTable =
    [
        ("DoubleStorage", ScalarType.Float64, 8),
        ("FloatStorage", ScalarType.Float32, 4),
        ("HalfStorage", ScalarType.Float16, 2),
        ("BFloat16Storage", ScalarType.BFloat16, 2),
        ("LongStorage", ScalarType.Int64, 8),
        ("IntStorage", ScalarType.Int32, 4),
        ("ShortStorage", ScalarType.Int16, 2),
        ("CharStorage", ScalarType.Int8, 1),
        ("ByteStorage", ScalarType.Byte, 1),
        ("BoolStorage", ScalarType.Bool, 1),
        ("ComplexFloatStorage", ScalarType.ComplexFloat32, 8),
        ("ComplexDoubleStorage", ScalarType.ComplexFloat64, 16),
    ];

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

    /// <summary>The legacy storage class name (<c>FloatStorage</c>) and element size of a dtype torch.save writes.</summary>
    public static bool TryToStorage(ScalarType type, out string name, out int size)
    {
        foreach (var e in StorageTable)
        {
            if (e.Type == type) { name = e.Name; size = e.Size; return true; }
        }
        name = ""; size = 0;
        return false;
    }

    public static bool TryElementSize(ScalarType type, out int size) => TryToStorage(type, out _, out size);

    /// <summary>The safetensors dtype names TorchModel reads and writes, in the order the error messages list them.</summary>
    public static string SupportedSafeTensorsNames { get; } = string.Join(", ", SafeTensorsTable.Select(e => e.Name));

    public static bool TryFromSafeTensors(string name, out ScalarType type, out int size)
    {
        foreach (var e in SafeTensorsTable)
        {
            if (e.Name == name) { type = e.Type; size = e.Size; return true; }
        }
        type = default; size = 0;
        return false;
    }

    public static bool TryToSafeTensors(ScalarType type, out string name, out int size)
    {
        foreach (var e in SafeTensorsTable)
        {
            if (e.Type == type) { name = e.Name; size = e.Size; return true; }
        }
        name = ""; size = 0;
        return false;
    }

    public static bool IsStorageName(string name) => StorageTable.Any(e => e.Name == name);

    public static (ScalarType Type, int Size) FromStorage(string name)
    {
        foreach (var e in StorageTable)
        {
            if (e.Name == name) return (e.Type, e.Size);
        }
        throw new InvalidOperationException(name);
    }

    /// <summary>PyTorch's name of a dtype (<c>torch.float32</c>), for error messages.</summary>
    public static string PythonName(ScalarType type) => type switch
    {
        ScalarType.Float64 => "torch.float64",
        ScalarType.Float32 => "torch.float32",
        ScalarType.Float16 => "torch.float16",
        ScalarType.BFloat16 => "torch.bfloat16",
        ScalarType.Int64 => "torch.int64",
        ScalarType.Int32 => "torch.int32",
        ScalarType.Int16 => "torch.int16",
        ScalarType.Int8 => "torch.int8",
        ScalarType.Byte => "torch.uint8",
        ScalarType.Bool => "torch.bool",
        ScalarType.ComplexFloat32 => "torch.complex64",
        ScalarType.ComplexFloat64 => "torch.complex128",
        ScalarType.QInt8 => "torch.qint8",
        ScalarType.QUInt8 => "torch.quint8",
        ScalarType.QInt32 => "torch.qint32",
        _ => "torch." + type.ToString().ToLowerInvariant(),
    };
}
