using System.Text.Json;
using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;
using TorchModel.Tests.Models.ResNet18Mirror;

namespace TorchModel.Tests.Summary;

public class SummaryTests
{
    private static JsonElement Case(string name) => Golden.Load("summary.json").GetProperty(name);

    private static ModelSummary Run(string name)
    {
        var golden = Case(name);
        var model = new ResNet();
        if (golden.TryGetProperty("frozen", out var frozen))
            foreach (var pattern in frozen.EnumerateArray()) model.Freeze(pattern.GetString()!);
        return model.Summary(golden.GetProperty("input_shape").Longs());
    }

    [Theory]
    [InlineData("resnet18_224")]
    [InlineData("resnet18_frozen_64")]
    public void Totals_MatchTorchinfoDefinitionsOnTorchvisionResNet18(string name)
    {
        var golden = Case(name);
        var summary = Run(name);
        summary.TotalParameters.ShouldBe(golden.GetProperty("total_params").GetInt64());
        summary.TrainableParameters.ShouldBe(golden.GetProperty("trainable_params").GetInt64());
        summary.TotalMultAdds.ShouldBe(golden.GetProperty("total_mult_adds").GetInt64());
        summary.InputBytes.ShouldBe(golden.GetProperty("input_bytes").GetInt64());
        summary.ForwardBackwardBytes.ShouldBe(golden.GetProperty("forward_backward_bytes").GetInt64());
        summary.ParameterBytes.ShouldBe(golden.GetProperty("param_bytes").GetInt64());
    }

    [Theory]
    [InlineData("resnet18_224")]
    [InlineData("resnet18_frozen_64")]
    public void Rows_MatchTorchvisionCallsOneByOne(string name)
    {
        var expected = Case(name).GetProperty("rows").EnumerateArray().Select(r =>
            $"{r.GetProperty("path").GetString()} {r.GetProperty("class").GetString()} d{r.GetProperty("depth").GetInt32()} " +
            $"[{string.Join(", ", r.GetProperty("output_shape").Longs())}] p{r.GetProperty("params").GetInt64()} " +
            $"t{r.GetProperty("trainable").GetInt64()} o{r.GetProperty("leftover").GetInt64()} " +
            $"{r.GetProperty("leaf").GetBoolean()} m{r.GetProperty("macs").GetInt64()}").ToArray();
        var actual = Run(name).Rows.Select(r =>
            $"{r.Path} {r.ClassName} d{r.Depth} [{string.Join(", ", r.OutputShape ?? [])}] p{r.Parameters} " +
            $"t{r.TrainableParameters} o{r.LeftoverParameters} {r.IsLeaf} m{r.MultAdds}").ToArray();
        actual.ShouldBe(expected);
    }

    [Fact]
    public void Footer_PrintsTorchinfosPublishedResNet18Figures()
    {
        var text = Run("resnet18_224").ToString();
        text.ShouldContain("\nTotal params: 11,689,512\n");
        text.ShouldContain("\nTrainable params: 11,689,512\n");
        text.ShouldContain("\nNon-trainable params: 0\n");
        text.ShouldContain("\nTotal mult-adds (G): 1.81\n");
        text.ShouldContain("\nForward/backward pass size (MB): 39.75\n");
        text.ShouldContain("\nParams size (MB): 46.76\n");
        text.ShouldContain("\nEstimated Total Size (MB): 87.11\n");
    }

    [Fact]
    public void ResNet18Table_Approved() => Approve("resnet18_224", Run("resnet18_224").ToString());

    [Fact]
    public void DepthLimitAndExtraColumns_Approved()
    {
        using var model = new ResNet().Freeze("layer1.**");
        var summary = model.Summary(SummaryOptions.Default with
        {
            InputShapes = [[1, 3, 64, 64]],
            Depth = 1,
            Columns = SummaryColumns.InputShape | SummaryColumns.OutputShape | SummaryColumns.ParamCount | SummaryColumns.MultAdds | SummaryColumns.Trainable,
        });
        Approve("resnet18_depth1_all_columns", summary.ToString());
    }

    [Fact]
    public void ParametersOnly_NeedsNoInput_Approved()
    {
        using var model = new TiedLM();
        var summary = model.Summary();
        summary.HasForwardPass.ShouldBeFalse();
        summary.TotalParameters.ShouldBe(model.CountParameters().Total);
        Approve("tiedlm_parameters_only", summary.ToString());
    }

    [Fact]
    public void FailingForward_NamesTheLayer()
    {
        using var model = nn.Sequential(("encoder", nn.Linear(4, 8)), ("decoder", nn.Linear(5, 2)));
        var ex = Should.Throw<SummaryForwardException>(() => model.Summary([1, 4]));
        ex.LayerPath.ShouldBe("decoder");
        ex.LayerType.ShouldBe("Linear");
        ex.Message.ShouldStartWith("The summary's forward pass failed in layer 'decoder' (Linear) on input(s) [1, 8] torch.float32, model input(s) [1, 4] torch.float32: mat1 and mat2 shapes cannot be multiplied");
        ex.InnerException.ShouldNotBeNull();
    }

    [Fact]
    public void Summary_LeavesTheModelUntouched()
    {
        using var model = new ResNet();
        model.train();
        model.GetSubmodule("layer1").eval();
        var mean = ((Tensor)model.GetBuffer("bn1.running_mean")).clone();
        int rows = model.Summary([2, 3, 32, 32]).Rows.Count;
        model.training.ShouldBeTrue();
        model.GetSubmodule("layer1").training.ShouldBeFalse();
        model.GetSubmodule("layer1.0.bn1").training.ShouldBeFalse();
        model.GetSubmodule("layer2").training.ShouldBeTrue();
        model.GetBuffer("bn1.running_mean").eq(mean).all().item<bool>().ShouldBeTrue();
        // One row per layer call, as torchinfo lists torchvision's resnet18; hooks are removed, so a later call does
        // not grow anything.
        rows.ShouldBe(Case("resnet18_224").GetProperty("rows").GetArrayLength());
        model.Summary([2, 3, 32, 32]).Rows.Count.ShouldBe(rows);
    }

    [Fact]
    public void WrongNumberOfInputs_IsAClearError()
    {
        using var model = new ResNet();
        var ex = Should.Throw<ArgumentException>(() => model.Summary([1, 3, 8, 8], [1, 3, 8, 8]));
        ex.Message.ShouldContain("ResNet cannot be called with 2 tensor input(s)");
    }

    /// <summary>Approved-file check of our own table layout (torchinfo's layout has no PyTorch golden of ours).</summary>
    private static void Approve(string name, string received)
    {
        var folder = RepositoryPaths.Of("tests", "TorchModel.Tests", "Summary", "Approved");
        var approved = Path.Combine(folder, name + ".approved.txt");
        var receivedPath = Path.Combine(folder, name + ".received.txt");
        if (!File.Exists(approved) || File.ReadAllText(approved).ReplaceLineEndings("\n").TrimEnd('\n') != received)
        {
            File.WriteAllText(receivedPath, received + "\n");
            File.Exists(approved).ShouldBeTrue($"No approved file; review {receivedPath} and rename it to {approved}.");
            File.ReadAllText(approved).ReplaceLineEndings("\n").TrimEnd('\n').ShouldBe(received);
        }
        else if (File.Exists(receivedPath)) File.Delete(receivedPath);
    }
}
