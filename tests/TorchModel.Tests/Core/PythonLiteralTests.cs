using System.Globalization;
using TorchModel.Internal;
using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Repr;

/// <summary>Python value formatting against real Python repr() (Golden/repr.json "floats").</summary>
public sealed class PythonLiteralTests
{
    public static TheoryData<string, string> Floats()
    {
        var data = new TheoryData<string, string>();
        foreach (var pair in Golden.Load("repr.json").GetProperty("floats").EnumerateArray())
        {
            data.Add(pair[0].GetString()!, pair[1].GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Floats))]
    public void Float_MatchesPythonRepr(string exact, string python)
        => PythonLiteral.Float(double.Parse(exact, CultureInfo.InvariantCulture)).ShouldBe(python);

    [Theory]
    [InlineData(new long[0], "()")]
    [InlineData(new long[] { 3 }, "(3,)")]
    [InlineData(new long[] { 3, -1 }, "(3, -1)")]
    public void Tuple_MatchesPythonStr(long[] values, string python) => PythonLiteral.Tuple(values).ShouldBe(python);

    [Theory]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    public void NonFinite_MatchesPythonRepr(double value, string python) => PythonLiteral.Float(value).ShouldBe(python);
}
