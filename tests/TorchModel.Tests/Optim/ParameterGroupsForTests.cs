using TorchModel.Tests.Infrastructure;
using TorchSharp.Modules;

namespace TorchModel.Tests.Optim;

public class ParameterGroupsForTests
{
    private static ParameterGroups Groups(Module model)
        => model.GroupParameters(ParameterGroupOptions.Default with { WeightDecay = 0.05, LearningRates = [("2.**", 0.02)] });

    public static TheoryData<string> Kinds() => new() { "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam", "RAdam", "Adadelta", "ASGD" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void For_EveryOptimizer_KeepsPerGroupLearningRateAndWeightDecay(string kind)
    {
        using var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
        var groups = Groups(model);
        using var optimizer = kind switch
        {
            "SGD" => (torch.optim.Optimizer)torch.optim.SGD(groups.For<SGD.ParamGroup>((_, g) => g.Options.momentum = 0.9), 0.1),
            "Adam" => torch.optim.Adam(groups.For<Adam.ParamGroup>(), lr: 0.1),
            "AdamW" => torch.optim.AdamW(groups.For<AdamW.ParamGroup>(), lr: 0.1),
            "RMSprop" => torch.optim.RMSProp(groups.For<RMSProp.ParamGroup>(), lr: 0.1),
            "Adagrad" => torch.optim.Adagrad(groups.For<Adagrad.ParamGroup>(), lr: 0.1),
            "Adamax" => torch.optim.Adamax(groups.For<Adamax.ParamGroup>(), lr: 0.1),
            "NAdam" => torch.optim.NAdam(groups.For<NAdam.ParamGroup>(), lr: 0.1),
            "RAdam" => torch.optim.RAdam(groups.For<RAdam.ParamGroup>(), lr: 0.1),
            "Adadelta" => torch.optim.Adadelta(groups.For<Adadelta.ParamGroup>(), lr: 0.1),
            "ASGD" => torch.optim.ASGD(groups.For<ASGD.ParamGroup>(), lr: 0.1),
            _ => throw new ArgumentException(kind),
        };
        using var state = optimizer.ToPyTorchStateDict();
        // Groups: (lr, decay) = 0.weight (0.1, 0.05), 0.bias (0.1, 0), 2.weight (0.02, 0.05), 2.bias (0.02, 0).
        state.ParamGroups.Select(g => g.Options["lr"]).ShouldBe(new object?[] { 0.1, 0.1, 0.02, 0.02 });
        state.ParamGroups.Select(g => g.Options["weight_decay"]).ShouldBe(new object?[] { 0.05, 0.0, 0.05, 0.0 });
        state.ParamGroups.Select(g => g.Params.Count).ShouldBe(new[] { 1, 1, 1, 1 });
        if (kind == "SGD") state.ParamGroups.ShouldAllBe(g => (double)g.Options["momentum"]! == 0.9);
    }

    [Fact]
    public void For_Configure_SetsThatOptimizersOwnPerGroupOptions()
    {
        using var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
        var groups = Groups(model).For<Adam.ParamGroup>((g, pg) =>
        {
            if (g.LearningRate == 0.02) pg.Options.beta1 = 0.5;
            pg.Options.amsgrad = true;
        });
        using var optimizer = torch.optim.Adam(groups);
        using var state = optimizer.ToPyTorchStateDict();
        state.ParamGroups.Select(g => ((ValueTuple<double, double>)g.Options["betas"]!).Item1).ShouldBe(new[] { 0.9, 0.9, 0.5, 0.5 });
        state.ParamGroups.ShouldAllBe(g => (bool)g.Options["amsgrad"]!);
    }

    [Fact]
    public void For_Rprop_WithWeightDecay_Throws_AndWithoutWorks()
    {
        using var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
        Should.Throw<InvalidOperationException>(() => Groups(model).For<Rprop.ParamGroup>())
            .Message.ShouldBe("Parameter group 0 has weight decay 0.05, but Rprop has no weight_decay option (as in PyTorch); build the groups with ParameterGroupOptions.Default with { WeightDecay = 0 }.");
        using var optimizer = torch.optim.Rprop(model.GroupParameters(ParameterGroupOptions.Default with { WeightDecay = 0 }).For<Rprop.ParamGroup>());
        optimizer.ParamGroups.Count().ShouldBe(2);
    }

    [Fact]
    public void For_BaseParamGroup_IsRejected()
    {
        using var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
        Should.Throw<ArgumentException>(() => Groups(model).For<ParamGroup>()).ParamName.ShouldBe("TGroup");
    }
}
