namespace TorchModel.Tests.Optim;

public class ParameterGroupToStringTests
{
    [Fact]
    public void ToString_ShowsOptionsCountsAndFirstNames()
    {
        using var model = nn.Sequential(nn.Linear(4, 3), nn.LayerNorm(3), nn.Linear(3, 2));
        var groups = model.GroupParameters(ParameterGroupOptions.Default with { LearningRates = [("2.*", 1e-4)] });
        groups.ToString().ShouldBe(
            "ParameterGroups(4 groups)\n" +
            "  {'lr': default, 'weight_decay': 0.01, 'params': 1 tensor (12 elements): ['0.weight']}\n" +
            "  {'lr': default, 'weight_decay': 0.0, 'params': 3 tensors (9 elements): ['0.bias', '1.weight', '1.bias']}\n" +
            "  {'lr': 0.0001, 'weight_decay': 0.01, 'params': 1 tensor (6 elements): ['2.weight']}\n" +
            "  {'lr': 0.0001, 'weight_decay': 0.0, 'params': 1 tensor (2 elements): ['2.bias']}");
    }
}
