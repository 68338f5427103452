using System.Text.Json;

namespace TorchModel.Tests.Infrastructure;

/// <summary>Expected tensors of the checkpoint fixtures, from Golden/checkpoints.json (written by gen_checkpoints.py from real PyTorch).</summary>
public static class CheckpointGolden
{
    public static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "checkpoints", file);

    public static string ExpectedJsonPath => Golden.PathOf("checkpoints.json");

    /// <summary>The expected entries of a fixture, in order (a string entry refers to another fixture's entries).</summary>
    public static JsonElement[] Expected(string file)
    {
        var entry = Golden.Load("checkpoints.json").GetProperty(file);
        if (entry.ValueKind == JsonValueKind.String) return Expected(entry.GetString()!);
        return entry.EnumerateArray().ToArray();
    }

    public static ScalarType DType(string name) => name switch
    {
        "float64" => ScalarType.Float64,
        "float32" => ScalarType.Float32,
        "float16" => ScalarType.Float16,
        "bfloat16" => ScalarType.BFloat16,
        "int64" => ScalarType.Int64,
        "int32" => ScalarType.Int32,
        "int16" => ScalarType.Int16,
        "int8" => ScalarType.Int8,
        "uint8" => ScalarType.Byte,
        "bool" => ScalarType.Bool,
        _ => throw new ArgumentException(name),
    };

    /// <summary>Asserts name order, dtype, shape and every value (and strides/offsets/shared storages when the golden has them).</summary>
    public static void ShouldMatch(IReadOnlyDictionary<string, Tensor> actual, string file)
    {
        var expected = Expected(file);
        actual.Keys.ShouldBe(expected.Select(e => e.GetProperty("name").GetString()!).ToArray(), file);
        var storagePointers = new Dictionary<int, IntPtr>();
        foreach (var e in expected)
        {
            string name = e.GetProperty("name").GetString()!;
            var t = actual[name];
            t.dtype.ShouldBe(DType(e.GetProperty("dtype").GetString()!), name);
            t.shape.ShouldBe(e.GetProperty("shape").Longs(), name);
            t.device_type.ShouldBe(DeviceType.CPU);
            ValuesShouldMatch(t, e.GetProperty("values"), name);
            if (e.TryGetProperty("stride", out var stride))
            {
                t.stride().ShouldBe(stride.Longs(), name);
                t.storage_offset().ShouldBe(e.GetProperty("storage_offset").GetInt64(), name);
                if (t.dtype == ScalarType.Float32)
                {
                    // Same storage in PyTorch <=> same storage here.
                    int group = e.GetProperty("storage").GetInt32();
                    var pointer = t.storage<float>().data_ptr();
                    if (storagePointers.TryGetValue(group, out var known)) pointer.ShouldBe(known, $"{name} shares storage {group}");
                    else
                    {
                        storagePointers.Values.ShouldNotContain(pointer, $"{name} has its own storage");
                        storagePointers[group] = pointer;
                    }
                }
            }
        }
    }

    public static void ValuesShouldMatch(Tensor t, JsonElement values, string name)
    {
        using var flat = t.contiguous().reshape(-1);
        var expected = values.EnumerateArray().ToArray();
        flat.numel().ShouldBe(expected.Length, name);
        switch (t.dtype)
        {
            case ScalarType.Float64:
            {
                using var d = flat.to_type(ScalarType.Float64);
                d.data<double>().ToArray().ShouldBe(expected.Select(v => v.GetDouble()).ToArray(), name);
                break;
            }
            case ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16:
            {
                using var f = flat.to_type(ScalarType.Float32);
                f.data<float>().ToArray().ShouldBe(expected.Select(v => (float)v.GetDouble()).ToArray(), name);
                break;
            }
            case ScalarType.Bool:
            {
                flat.data<bool>().ToArray().ShouldBe(expected.Select(v => v.GetBoolean()).ToArray(), name);
                break;
            }
            default:
            {
                using var l = flat.to_type(ScalarType.Int64);
                l.data<long>().ToArray().ShouldBe(expected.Select(v => v.GetInt64()).ToArray(), name);
                break;
            }
        }
    }
}
