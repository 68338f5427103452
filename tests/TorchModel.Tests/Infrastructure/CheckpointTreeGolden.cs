using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace TorchModel.Tests.Infrastructure;

/// <summary>Expected object trees of the torch.save fixtures, from Golden/checkpoint_trees.json (gen_checkpoints.py's
/// describe_tree of what real PyTorch saved).</summary>
public static class CheckpointTreeGolden
{
    public static JsonElement Expected(string file) => Golden.Load("checkpoint_trees.json").GetProperty(file);

    /// <summary>Asserts kind, order, keys and every value, recursively (an explicit stack: deep trees are fine).</summary>
    public static void ShouldMatch(CheckpointValue actual, JsonElement expected, string file)
    {
        var work = new Stack<(CheckpointValue Value, JsonElement Expected, string Path)>();
        work.Push((actual, expected, file));
        while (work.Count > 0)
        {
            var (value, e, path) = work.Pop();
            var property = e.EnumerateObject().Single();
            switch (property.Name)
            {
                case "none": value.IsNone.ShouldBeTrue(path); break;
                case "bool": value.AsBool().ShouldBe(property.Value.GetBoolean(), path); break;
                case "int":
                    value.IsInt.ShouldBeTrue(path);
                    value.AsBigInteger().ShouldBe(BigInteger.Parse(property.Value.GetString()!, CultureInfo.InvariantCulture), path);
                    break;
                case "float":
                    value.IsFloat.ShouldBeTrue(path);
                    value.AsDouble().ShouldBe(ParsePythonFloat(property.Value.GetString()!), path);
                    break;
                case "str": value.AsString().ShouldBe(property.Value.GetString(), path); break;
                case "bytes": value.AsBytes().ToArray().ShouldBe(property.Value.EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray(), path); break;
                case "size": value.Kind.ShouldBe(CheckpointValueKind.Size, path); value.AsSize().ShouldBe(property.Value.Longs(), path); break;
                case "dtype": CheckpointDTypeName(value.AsDType()).ShouldBe(property.Value.GetString(), path); break;
                case "device": value.AsDevice().ShouldBe(property.Value.GetString(), path); break;
                case "tensor":
                {
                    var t = value.AsTensor();
                    var te = property.Value;
                    t.dtype.ShouldBe(CheckpointGolden.DType(te.GetProperty("dtype").GetString()!), path);
                    t.shape.ShouldBe(te.GetProperty("shape").Longs(), path);
                    CheckpointGolden.ValuesShouldMatch(t, te.GetProperty("values"), path);
                    break;
                }
                case "tuple":
                case "list":
                {
                    (property.Name == "list" ? value.IsList : value.IsTuple).ShouldBeTrue(path);
                    var items = property.Value.EnumerateArray().ToArray();
                    value.Count.ShouldBe(items.Length, path);
                    for (int i = 0; i < items.Length; i++) work.Push((value.AsList()[i], items[i], $"{path}[{i}]"));
                    break;
                }
                case "dict":
                {
                    value.IsDict.ShouldBeTrue(path);
                    var pairs = property.Value.EnumerateArray().ToArray();
                    var dict = value.AsDict();
                    dict.Count.ShouldBe(pairs.Length, path);
                    for (int i = 0; i < pairs.Length; i++)
                    {
                        var pair = pairs[i].EnumerateArray().ToArray();
                        work.Push((dict[i].Key, pair[0], $"{path} key {i}"));
                        work.Push((dict[i].Value, pair[1], $"{path}[{dict[i].Key}]"));
                    }
                    break;
                }
                default: throw new InvalidOperationException(property.Name);
            }
        }
    }

    private static double ParsePythonFloat(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    private static string CheckpointDTypeName(ScalarType type) => type switch
    {
        ScalarType.Float16 => "torch.float16",
        ScalarType.Float32 => "torch.float32",
        ScalarType.Float64 => "torch.float64",
        ScalarType.Int64 => "torch.int64",
        _ => type.ToString(),
    };
}
