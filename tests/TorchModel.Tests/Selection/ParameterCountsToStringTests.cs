namespace TorchModel.Tests.Selection;

public class ParameterCountsToStringTests
{
    [Fact]
    public void ToString_ReadsLikeTorchinfosFooter()
    {
        using var model = nn.Sequential(nn.Linear(1000, 1000), nn.Linear(1000, 10)).Freeze("1.*");
        model.CountParameters().ToString().ShouldBe("1,011,010 parameters (1,001,000 trainable, 10,010 non-trainable)");
    }
}
