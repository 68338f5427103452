namespace TorchModel.Tests.Selection;

public class PathPatternTests
{
    [Theory]
    [InlineData("fc.weight", "fc.weight", true)]
    [InlineData("fc.weight", "fc.bias", false)]
    [InlineData("fc", "fc.weight", false)]
    [InlineData("layer4.**", "layer4.0.conv1.weight", true)]
    [InlineData("layer4.**", "layer4", true)]
    [InlineData("layer4.**", "layer40.weight", false)]
    [InlineData("**.bias", "bias", true)]
    [InlineData("**.bias", "layer1.0.bn1.bias", true)]
    [InlineData("**.bias", "layer1.0.bn1.bias_extra", false)]
    [InlineData("*.weight", "fc.weight", true)]
    [InlineData("*.weight", "layer1.fc.weight", false)]
    [InlineData("layer1.*.conv1.weight", "layer1.1.conv1.weight", true)]
    [InlineData("layer1.*.conv1.weight", "layer1.conv1.weight", false)]
    [InlineData("**.0.**", "layer1.0.conv1.weight", true)]
    [InlineData("**.0.**", "layer1.1.conv1.weight", false)]
    [InlineData("a.**.b.**.c", "a.b.c", true)]
    [InlineData("a.**.b.**.c", "a.x.b.y.z.c", true)]
    [InlineData("a.**.b.**.c", "a.x.c.b", false)]
    [InlineData("**", "", true)]
    [InlineData("**", "anything.at.all", true)]
    [InlineData("*", "", false)]
    [InlineData("", "", true)]
    [InlineData("", "fc", false)]
    [InlineData("Fc.weight", "fc.weight", false)]
    public void IsMatch_FollowsTheGrammar(string pattern, string name, bool expected)
        => PathPattern.Parse(pattern).IsMatch(name).ShouldBe(expected);

    [Theory]
    [InlineData("a..b", "empty segment at position 2")]
    [InlineData(".a", "empty segment at position 0")]
    [InlineData("a.", "empty segment at position 2")]
    [InlineData("a.***", "segment '***' at position 2")]
    [InlineData("layer*.0", "segment 'layer*' at position 5")]
    public void Parse_MalformedPattern_ThrowsNamingThePosition(string pattern, string expected)
    {
        var ex = Should.Throw<FormatException>(() => PathPattern.Parse(pattern));
        ex.Message.ShouldContain($"'{pattern}'");
        ex.Message.ShouldContain(expected);
    }

    [Fact]
    public void Parse_KeepsTextAndEquality()
    {
        var p = PathPattern.Parse("layer4.**");
        p.ToString().ShouldBe("layer4.**");
        p.ShouldBe(PathPattern.Parse("layer4.**"));
        p.IsLiteral.ShouldBeFalse();
        PathPattern.Parse("fc.weight").IsLiteral.ShouldBeTrue();
    }
}
