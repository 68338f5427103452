using System.Text.Json;
using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.Summary;

/// <summary>Summaries of transformer-era models compared row by row with torchinfo's algorithm run on the same PyTorch
/// models (Golden/gen_transformers.py).</summary>
public class TransformerSummaryTests
{
    private static JsonElement Case(string name) => Golden.Load("transformers.json").GetProperty("summary").GetProperty(name);

    private static torch.ScalarType DType(string name) => name switch
    {
        "torch.int64" => torch.ScalarType.Int64,
        "torch.float32" => torch.ScalarType.Float32,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static string[] Expected(JsonElement golden) => golden.GetProperty("rows").EnumerateArray().Select(r =>
        $"{r.GetProperty("path").GetString()} {r.GetProperty("class").GetString()} d{r.GetProperty("depth").GetInt32()}-{r.GetProperty("depth_index").GetInt32()} " +
        $"in{Shape(r.GetProperty("input_shape"))} out{Shape(r.GetProperty("output_shape"))} p{r.GetProperty("params").GetInt64()} " +
        $"t{r.GetProperty("trainable").GetInt64()} o{r.GetProperty("leftover").GetInt64()} leaf={r.GetProperty("leaf").GetBoolean()} " +
        $"rec={r.GetProperty("recursive").GetBoolean()} m{(r.GetProperty("leaf").GetBoolean() ? r.GetProperty("macs").GetInt64() : 0)}").ToArray();

    private static string Shape(JsonElement shape) => shape.ValueKind == JsonValueKind.Null ? "--" : $"[{string.Join(", ", shape.Longs())}]";

    private static string[] Actual(ModelSummary summary) => summary.Rows.Select(r =>
        $"{r.Path} {r.ClassName} d{r.Depth}-{r.DepthIndex} in{ModelSummary.Shape(r.InputShape)} out{ModelSummary.Shape(r.OutputShape)} " +
        $"p{r.Parameters} t{r.TrainableParameters} o{r.LeftoverParameters} leaf={r.IsLeaf} rec={r.IsRecursive} m{r.MultAdds}").ToArray();

    private static void Compare(JsonElement golden, ModelSummary summary)
    {
        Actual(summary).ShouldBe(Expected(golden));
        summary.TotalParameters.ShouldBe(golden.GetProperty("total_params").GetInt64());
        summary.TrainableParameters.ShouldBe(golden.GetProperty("trainable_params").GetInt64());
        summary.TotalMultAdds.ShouldBe(golden.GetProperty("total_mult_adds").GetInt64());
        summary.InputBytes.ShouldBe(golden.GetProperty("input_bytes").GetInt64());
        summary.ForwardBackwardBytes.ShouldBe(golden.GetProperty("forward_backward_bytes").GetInt64());
        summary.ParameterBytes.ShouldBe(golden.GetProperty("param_bytes").GetInt64());
    }

    [Theory]
    [InlineData("NativeZoo")]
    [InlineData("Gpt")]
    [InlineData("Bert")]
    public void ShapesAndTypes_GiveTorchinfosRows(string name)
    {
        var golden = Case(name);
        var inputs = golden.GetProperty("inputs").EnumerateArray().ToList();
        using var model = TransformerModels.Create(name);
        var summary = model.Summary(SummaryOptions.Default with
        {
            InputShapes = inputs.Select(i => i.GetProperty("shape").Longs()).ToArray(),
            InputTypes = inputs.Select(i => DType(i.GetProperty("dtype").GetString()!)).ToArray(),
        });
        Compare(golden, summary);
    }

    [Theory]
    [InlineData("Gpt")]
    [InlineData("Bert")]
    public void TokenIdTensors_GiveTorchinfosRows(string name)
    {
        var golden = Case(name);
        var inputs = golden.GetProperty("inputs").EnumerateArray()
            .Select(i => torch.randint(0, 2, i.GetProperty("shape").Longs(), torch.ScalarType.Int64)).ToArray();
        using var model = TransformerModels.Create(name);
        Compare(golden, model.Summary(inputs[0], inputs[1..]));
        foreach (var input in inputs) input.IsInvalid.ShouldBeFalse();
    }

    [Fact]
    public void TokenIds_AsFloatInputs_FailNamingTheEmbeddingAndItsInput()
    {
        using var model = new Gpt();
        var ex = Should.Throw<SummaryForwardException>(() => model.Summary([2, 6]));
        ex.LayerPath.ShouldBe("wte");
        ex.LayerType.ShouldBe("Embedding");
        ex.Message.ShouldStartWith("The summary's forward pass failed in layer 'wte' (Embedding) on input(s) [2, 6] torch.float32, model input(s) [2, 6] torch.float32: ");
    }

    [Fact]
    public void TransformerEncoderLayer_MatchesTheIssueFigures()
    {
        // Issue #14: torchinfo on PyTorch's TransformerEncoderLayer(32, 4, 64) at [8, 2, 32]: 68.10k mult-adds,
        // forward/backward 20.48 kB, MultiheadAttention output [8, 2, 32].
        using var layer = nn.TransformerEncoderLayer(32, 4, 64);
        var summary = layer.Summary([8, 2, 32]);
        summary.Rows.Count.ShouldBe(9);
        summary.TotalMultAdds.ShouldBe(68_096);
        summary.ForwardBackwardBytes.ShouldBe(20_480);
        summary.Rows[1].ClassName.ShouldBe("MultiheadAttention");
        summary.Rows[1].OutputShape.ShouldBe([8, 2, 32]);
        summary.ToString().ShouldContain("Total mult-adds (k): 68.10");
    }

    [Fact]
    public void UserConvBlock_IsNotCountedAsAConvolution()
    {
        using var model = nn.Sequential(("block", new MyConvBlock()));
        var row = model.Summary([2, 3, 4]).Rows[1];
        row.ClassName.ShouldBe("MyConvBlock");
        // Weight and bias elements x N; torchinfo's class-name rule would count it as a convolution: 3 x 2 x 4 = 24.
        row.MultAdds.ShouldBe(3 * 2);
    }

    private sealed class MyConvBlock : nn.Module<Tensor, Tensor>
    {
        public MyConvBlock() : base(nameof(MyConvBlock))
        {
            register_parameter("weight", new Parameter(torch.ones(2)));
            register_parameter("bias", new Parameter(torch.zeros(1)));
        }

        public override Tensor forward(Tensor input) => input * 2;
    }

    [Fact]
    public void InputTypes_MustMatchTheShapes()
    {
        using var model = new Bert();
        Should.Throw<ArgumentException>(() => model.Summary(SummaryOptions.Default with { InputShapes = [[2, 7], [2, 7]], InputTypes = [torch.ScalarType.Int64] }))
            .Message.ShouldStartWith("InputTypes has 1 entries for 2 input shapes");
    }
}
