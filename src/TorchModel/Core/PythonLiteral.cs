using System.Globalization;
using System.Text;
using TorchSharp;

namespace TorchModel.Internal;

/// <summary>
/// Formats values the way Python's <c>str.format</c>/<c>repr</c> writes them in PyTorch's <c>extra_repr</c>:
/// <c>True</c>, <c>None</c>, <c>1e-05</c>, <c>2.0</c>, <c>(3,)</c>, <c>'none'</c>. The one place for Python formatting.
/// </summary>
internal static class PythonLiteral
{
    /// <summary>Python's <c>str(bool)</c>.</summary>
    public static string Bool(bool value) => value ? "True" : "False";

    /// <summary>Python's <c>str(None)</c>.</summary>
    public const string None = "None";

    /// <summary>Python's <c>str(int)</c>.</summary>
    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Python's <c>str(int)</c> for a nullable value, <c>None</c> for null.</summary>
    public static string Int(long? value) => value is { } v ? Int(v) : None;

    /// <summary>Python's <c>repr(str)</c> for a string without quotes or backslashes: <c>'none'</c>.</summary>
    public static string Quoted(string value) => string.Concat("'", value, "'");

    /// <summary>
    /// Python's <c>repr(float)</c>: the shortest round-trip digits, positional when the decimal exponent is in
    /// [-4, 16), with at least one digit after the point (<c>2.0</c>); otherwise <c>d.ddde±XX</c> (<c>1e-05</c>).
    /// </summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";

        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int exponent = 0;
        int e = r.IndexOfAny(['E', 'e']);
        string mantissa = r;
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = r[..e];
        }
        int point = mantissa.IndexOf('.');
        string digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        int integerDigits = point < 0 ? mantissa.Length : point;
        int leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0') leadingZeros++;
        digits = digits[leadingZeros..].TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        // value = 0.DIGITS x 10^decpt
        int decpt = integerDigits - leadingZeros + exponent;

        var sb = new StringBuilder(24);
        if (value < 0) sb.Append('-');
        if (decpt > -4 && decpt <= 16)
        {
            if (decpt <= 0)
            {
                sb.Append("0.").Append('0', -decpt).Append(digits);
            }
            else if (decpt >= digits.Length)
            {
                sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
            }
            else
            {
                sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
            }
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            int exp10 = decpt - 1;
            sb.Append('e').Append(exp10 < 0 ? '-' : '+').Append(Math.Abs(exp10).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>A double that PyTorch keeps as the caller's int when it is integral (<c>Softplus(beta=1)</c>), else a float.</summary>
    public static string IntIfIntegral(double value)
        => Math.Abs(value) < 1e15 && value == Math.Floor(value)
            ? Int((long)value)
            : Float(value);

    /// <summary>Python's tuple of ints: <c>()</c>, <c>(3,)</c>, <c>(3, 3)</c>.</summary>
    public static string Tuple(ReadOnlySpan<long> values)
    {
        if (values.Length == 0) return "()";
        if (values.Length == 1) return string.Concat("(", Int(values[0]), ",)");
        var sb = new StringBuilder("(");
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Int(values[i]));
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Python's tuple of floats: <c>(2.0, 3.0)</c>.</summary>
    public static string Tuple(ReadOnlySpan<double> values)
    {
        if (values.Length == 1) return string.Concat("(", Float(values[0]), ",)");
        var sb = new StringBuilder("(");
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Float(values[i]));
        }
        return sb.Append(')').ToString();
    }

    /// <summary>
    /// An int-or-tuple argument that PyTorch stores as the caller passed it, after TorchSharp expanded a scalar:
    /// all-equal values print as the scalar (<c>3</c>), others as a tuple (<c>(3, 2)</c>).
    /// </summary>
    public static string ScalarOrTuple(ReadOnlySpan<long> values)
    {
        if (values.Length == 0) return "()";
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] != values[0]) return Tuple(values);
        }
        return Int(values[0]);
    }

    /// <summary><see cref="ScalarOrTuple(ReadOnlySpan{long})"/> with a default when the array is null.</summary>
    public static string ScalarOrTuple(long[]? values, long whenNull) => values is null ? Int(whenNull) : ScalarOrTuple(values);

    /// <summary>PyTorch's <c>str(dtype)</c>: <c>torch.float32</c>.</summary>
    public static string DType(torch.ScalarType type) => "torch." + type switch
    {
        torch.ScalarType.Float32 => "float32",
        torch.ScalarType.Float64 => "float64",
        torch.ScalarType.Float16 => "float16",
        torch.ScalarType.BFloat16 => "bfloat16",
        torch.ScalarType.ComplexFloat32 => "complex64",
        torch.ScalarType.ComplexFloat64 => "complex128",
        torch.ScalarType.Int64 => "int64",
        torch.ScalarType.Int32 => "int32",
        torch.ScalarType.Int16 => "int16",
        torch.ScalarType.Int8 => "int8",
        torch.ScalarType.Byte => "uint8",
        torch.ScalarType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>PyTorch's <c>torch.typename(tensor)</c>: <c>torch.FloatTensor</c>, <c>torch.cuda.FloatTensor</c>.</summary>
    public static string TypeName(Tensor tensor)
    {
        string name = tensor.dtype switch
        {
            torch.ScalarType.Float32 => "FloatTensor",
            torch.ScalarType.Float64 => "DoubleTensor",
            torch.ScalarType.Float16 => "HalfTensor",
            torch.ScalarType.BFloat16 => "BFloat16Tensor",
            torch.ScalarType.ComplexFloat32 => "ComplexFloatTensor",
            torch.ScalarType.ComplexFloat64 => "ComplexDoubleTensor",
            torch.ScalarType.Int64 => "LongTensor",
            torch.ScalarType.Int32 => "IntTensor",
            torch.ScalarType.Int16 => "ShortTensor",
            torch.ScalarType.Int8 => "CharTensor",
            torch.ScalarType.Byte => "ByteTensor",
            torch.ScalarType.Bool => "BoolTensor",
            _ => tensor.dtype + "Tensor",
        };
        return tensor.device_type == DeviceType.CUDA ? "torch.cuda." + name : "torch." + name;
    }

    /// <summary>PyTorch 2.x's device suffix in ParameterList/ParameterDict lines: <c> (cuda:0)</c>, empty on CPU.</summary>
    public static string DeviceSuffix(Tensor tensor)
        => tensor.device_type == DeviceType.CUDA
            ? string.Concat(" (cuda:", Int(tensor.device_index), ")")
            : string.Empty;

    /// <summary>PyTorch's <c>'x'.join(str(d) for d in size)</c>: <c>3x4</c>, empty for a 0-dim tensor.</summary>
    public static string SizeX(Tensor tensor) => string.Join('x', tensor.shape.Select(d => Int(d)));

    /// <summary>Python's <c>str(i)</c> for a container index.</summary>
    public static string Index(int i) => i < IndexNames.Length ? IndexNames[i] : i.ToString(CultureInfo.InvariantCulture);

    private static readonly string[] IndexNames = Enumerable.Range(0, 256).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Whether <paramref name="name"/> is a decimal index as Python's <c>str(int)</c> writes it, within range.</summary>
    public static bool IsIndex(string name, int count, out int index)
    {
        index = -1;
        if (name.Length == 0 || name.Length > 10 || (name.Length > 1 && name[0] == '0')) return false;
        foreach (char c in name)
        {
            if (c < '0' || c > '9') return false;
        }
        if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out index)) return false;
        return index < count;
    }

    /// <summary>Python's <c>repr(str)</c>: single quotes unless the text holds a single quote and no double quote.</summary>
    public static string Repr(string text)
    {
        char quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        var result = new StringBuilder(text.Length + 2).Append(quote);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\\': result.Append("\\\\"); break;
                case '\n': result.Append("\\n"); break;
                case '\r': result.Append("\\r"); break;
                case '\t': result.Append("\\t"); break;
                default:
                    if (c == quote) result.Append('\\').Append(c);
                    else if (c < ' ' || c == '\x7f') result.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else result.Append(c);
                    break;
            }
        }
        return result.Append(quote).ToString();
    }

    /// <summary>Python's <c>repr(list_of_str)</c>: <c>['a', 'b']</c>.</summary>
    public static string Repr(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Repr)) + "]";
}
