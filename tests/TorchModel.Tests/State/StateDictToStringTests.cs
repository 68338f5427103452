namespace TorchModel.Tests.State;

public class StateDictToStringTests
{
    [Fact]
    public void ToString_ShowsCountFirstKeysDTypesAndShapes()
    {
        using var model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2), nn.Linear(2, 1));
        using var state = model.StateDict();
        state.ToString().ShouldBe("StateDict(11 entries: '0.weight': float32 [4, 3], '0.bias': float32 [4], '1.weight': float32 [4], '1.bias': float32 [4], '1.running_mean': float32 [4], ... 6 more)");
    }

    [Fact]
    public void ToString_OfOneEntry()
    {
        using var model = nn.Sequential(nn.Linear(3, 4, hasBias: false));
        using var state = model.StateDict();
        state.ToString().ShouldBe("StateDict(1 entry: '0.weight': float32 [4, 3])");
    }
}
