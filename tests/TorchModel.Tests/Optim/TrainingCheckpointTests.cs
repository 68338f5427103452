using System.Text.Json;
using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Optim;

/// <summary>Training checkpoints through real torch.save files: PyTorch's (Fixtures/optim/*.pt from gen_optim.py) read in C#,
/// and C#'s read back in C# (and by PyTorch in the CI step .ci/steps/optim-roundtrip.sh).</summary>
public class TrainingCheckpointTests
{
    public static TheoryData<string> ResumeCases() => new(OptimGolden.CaseNames.Where(n => n != "radam"));

    public static TheoryData<string> Cases() => new(OptimGolden.CaseNames);

    [Theory]
    [MemberData(nameof(ResumeCases))]
    public void LoadPyTorchCheckpoint_ThenTrainM_MatchesPyTorchsNPlusM(string name)
    {
        var golden = OptimGolden.Case(name);
        using var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init")); // overwritten by the checkpoint
        using var optimizer = OptimGolden.Optimizer(golden.GetProperty("optimizer").GetString()!, model);

        using (var ckpt = TrainingCheckpoint.Load(OptimGolden.Fixture(name), model, optimizer))
        {
            ckpt["epoch"].AsInt64().ShouldBe(OptimGolden.N);
            ckpt["best_loss"].AsDouble().ShouldBe(golden.GetProperty("loss_after_n").GetDouble());
        }
        OptimGolden.MaxRelativeError(model, golden.GetProperty("model_after_n")).ShouldBe(0);

        OptimGolden.Train(model, optimizer, OptimGolden.M);
        OptimGolden.MaxRelativeError(model, golden.GetProperty("final")).ShouldBeLessThan(1e-5);
    }

    [Theory]
    [MemberData(nameof(ResumeCases))]
    public void CSharpSave_ThenCSharpLoad_ResumesToPyTorchsNPlusM(string name)
    {
        var golden = OptimGolden.Case(name);
        var path = Path.Combine(Path.GetTempPath(), $"torchmodel-optim-{name}-{Guid.NewGuid():N}.pt");
        try
        {
            using (var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init")))
            using (var optimizer = OptimGolden.Optimizer(golden.GetProperty("optimizer").GetString()!, model))
            {
                using (var groups = OptimGolden.StateAfterN(name, withState: false)) optimizer.LoadPyTorchStateDict(groups);
                OptimGolden.Train(model, optimizer, OptimGolden.N);
                TrainingCheckpoint.Save(path, model, optimizer, epoch: OptimGolden.N, values: new Dictionary<string, object?> { ["note"] = "c#" });
            }
            using var resumed = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
            using var resumedOptimizer = OptimGolden.Optimizer(golden.GetProperty("optimizer").GetString()!, resumed);
            using (var ckpt = TrainingCheckpoint.Load(path, resumed, resumedOptimizer))
            {
                ckpt.Root.AsDict().Keys.Select(k => k.AsString()).ShouldBe(new[] { "model", "optimizer", "epoch", "note" });
                ckpt["epoch"].AsInt64().ShouldBe(OptimGolden.N);
            }
            OptimGolden.Train(resumed, resumedOptimizer, OptimGolden.M);
            OptimGolden.MaxRelativeError(resumed, golden.GetProperty("final")).ShouldBeLessThan(1e-5);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_WrongOptimizerKind_LeavesModelAndOptimizerUnchanged()
    {
        var golden = OptimGolden.Case("adam");
        using var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
        using var optimizer = OptimGolden.Optimizer("SGD", model);
        using var before = optimizer.ToPyTorchStateDict();
        Should.Throw<OptimizerStateException>(() => TrainingCheckpoint.Load(OptimGolden.Fixture("adam"), model, optimizer))
            .Message.ShouldContain("does not belong to a SGD optimizer");
        OptimGolden.MaxRelativeError(model, OptimGolden.Root.GetProperty("init")).ShouldBe(0);
        using var after = optimizer.ToPyTorchStateDict();
        after.ParamGroups[0].Options["lr"].ShouldBe(before.ParamGroups[0].Options["lr"]);
        _ = golden;
    }

    [Fact]
    public void Load_ModelKeysMismatch_LeavesOptimizerUnchanged()
    {
        // Same parameter shapes (the optimizer state fits) but other names: the model's load fails after the
        // optimizer state was validated and converted, and the optimizer must not take it.
        using var model = nn.Sequential(("a", nn.Linear(3, 4)), ("t", nn.Tanh()), ("b", nn.Linear(4, 2)));
        using var optimizer = OptimGolden.Optimizer("Adam", model);
        Should.Throw<StateDictLoadException>(() => TrainingCheckpoint.Load(OptimGolden.Fixture("adam"), model, optimizer));
        using var after = optimizer.ToPyTorchStateDict();
        after.State.Count.ShouldBe(0); // never stepped, nothing loaded
        after.ParamGroups[0].Options["lr"].ShouldBe(1e-3);
    }

    [Fact]
    public void Load_MomentShapesMismatch_IsAnOptimizerError_ModelUnchanged()
    {
        using var model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 3)); // head has 3 outputs, the file 2
        using var optimizer = OptimGolden.Optimizer("Adam", model);
        var before = model.NamedParameters().Select(x => x.Parameter.detach().clone()).ToList();
        Should.Throw<OptimizerStateException>(() => TrainingCheckpoint.Load(OptimGolden.Fixture("adam"), model, optimizer))
            .Message.ShouldContain("has shape [2, 4], but the parameter has shape [3, 4]");
        model.NamedParameters().Select(x => x.Parameter).Zip(before).ShouldAllBe(p => p.First.allclose(p.Second, 0, 0, false));
    }

    [Fact]
    public void Load_MissingOptimizerKey_ListsTheKeys()
    {
        using var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
        using var optimizer = OptimGolden.Optimizer("Adam", model);
        Should.Throw<KeyNotFoundException>(() => TrainingCheckpoint.Load(OptimGolden.Fixture("adam"), model, optimizer, optimizerKey: "opt"))
            .Message.ShouldContain("has no optimizer state under 'opt'; its top-level keys are 'model', 'optimizer', 'epoch', 'best_loss'");
    }

    /// <summary>Writes, for the CI step, a C# checkpoint after N steps and C#'s own N+M result per case (only when
    /// TORCHMODEL_OPTIM_EXPORT names a folder; Python resumes from the checkpoint and compares).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void PyTorch_ResumesCSharpCheckpoints(string name)
    {
        var golden = OptimGolden.Case(name);
        var export = Environment.GetEnvironmentVariable("TORCHMODEL_OPTIM_EXPORT");
        var folder = string.IsNullOrEmpty(export) ? Path.Combine(Path.GetTempPath(), $"torchmodel-optim-export-{Guid.NewGuid():N}") : export;
        Directory.CreateDirectory(folder);
        try
        {
            using var model = OptimGolden.Model(OptimGolden.Root.GetProperty("init"));
            using var optimizer = OptimGolden.Optimizer(golden.GetProperty("optimizer").GetString()!, model);
            using (var groups = OptimGolden.StateAfterN(name, withState: false)) optimizer.LoadPyTorchStateDict(groups);
            OptimGolden.Train(model, optimizer, OptimGolden.N);
            TrainingCheckpoint.Save(Path.Combine(folder, name + ".pt"), model, optimizer, epoch: OptimGolden.N);
            using var written = optimizer.ToPyTorchStateDict();
            var groupsJson = written.ParamGroups.Select(g => g.Options.ToDictionary(kv => kv.Key, kv => kv.Value switch
            {
                ValueTuple<double, double> t => (object?)new[] { t.Item1, t.Item2 },
                var v => v,
            })).ToList();
            OptimGolden.Train(model, optimizer, OptimGolden.M);
            var final = model.NamedParameters().ToDictionary(x => x.Name, x => x.Parameter.detach().reshape(-1).to(ScalarType.Float64).data<double>().ToArray());
            File.WriteAllText(Path.Combine(folder, name + ".json"), JsonSerializer.Serialize(new { param_groups = groupsJson, final }));
            File.Exists(Path.Combine(folder, name + ".pt")).ShouldBeTrue();
        }
        finally
        {
            if (string.IsNullOrEmpty(export)) Directory.Delete(folder, recursive: true);
        }
    }
}
