namespace TorchModel.Tests.State;

public class IncompatibleKeysTests
{
    [Theory]
    [InlineData(new string[0], new string[0], "<All keys matched successfully>")]
    [InlineData(new[] { "0.bias" }, new[] { "zz" }, "_IncompatibleKeys(missing_keys=['0.bias'], unexpected_keys=['zz'])")]
    [InlineData(new string[0], new[] { "a", "b" }, "_IncompatibleKeys(missing_keys=[], unexpected_keys=['a', 'b'])")]
    [InlineData(new[] { "it's" }, new string[0], "_IncompatibleKeys(missing_keys=[\"it's\"], unexpected_keys=[])")]
    public void ToString_IsPyTorchsRepr(string[] missing, string[] unexpected, string expected)
        => new IncompatibleKeys(missing, unexpected).ToString().ShouldBe(expected);

    [Fact]
    public void Equality_ComparesTheKeys()
    {
        new IncompatibleKeys(["a"], []).ShouldBe(new IncompatibleKeys(new List<string> { "a" }, Array.Empty<string>()));
        new IncompatibleKeys(["a"], []).ShouldNotBe(new IncompatibleKeys([], ["a"]));
    }
}
