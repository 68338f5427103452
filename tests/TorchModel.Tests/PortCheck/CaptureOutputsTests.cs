using System.Text.Json;
using TorchModel.Tests.Infrastructure;
using TorchSharp.Modules;

namespace TorchModel.Tests.PortCheck;

[Collection("TorchGlobalState")]
public class CaptureOutputsTests
{
    private static string[] PythonNames(string model)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Of("tests", "TorchModel.Tests", "Golden", "portcheck.json")));
        return json.RootElement.GetProperty(model).GetProperty("names").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("transformer")]
    public void Capture_NamesAndOrder_EqualPyTorchCapture(string model)
    {
        using var twin = PortCheckFixtures.Twin(model, PlantedBug.None);
        using var input = PortCheckFixtures.Input(model);
        using var python = PortCheckFixtures.Python(model);
        using var captured = twin.CaptureOutputs(input, PortCheckFixtures.Options(model));

        python.Keys.ShouldBe(PythonNames(model));
        captured.Keys.ShouldBe(python.Keys);
    }

    [Fact]
    public void Transformer_RepeatedCallAndTupleOutput_NamedAsDocumented()
    {
        using var twin = PortCheckFixtures.Twin("transformer", PlantedBug.None);
        using var input = PortCheckFixtures.Input("transformer");
        using var captured = twin.CaptureOutputs(input, "drop", "blocks.0.attn");

        captured.Keys.ShouldBe(new[] { "drop", "blocks.0.attn[0]", "blocks.0.attn[1]", "drop_1" });
        captured["blocks.0.attn[1]"].shape.ShouldBe(new long[] { 2, 4, 5, 5 });
    }

    [Fact]
    public void Capture_OfModelOutput_EqualsForward()
    {
        using var twin = PortCheckFixtures.Twin("cnn", PlantedBug.None);
        twin.eval();
        using var input = PortCheckFixtures.Input("cnn");
        using var expected = twin.call(input);
        using var captured = twin.CaptureOutputs(input, "");

        captured.Keys.ShouldBe(new[] { "(root)" });
        captured["(root)"].allclose(expected, rtol: 0, atol: 0).ShouldBeTrue();
    }

    [Fact]
    public void Capture_CopiesBeforeInPlaceChanges_AndRunsWithoutGrad()
    {
        using var model = nn.Sequential(("fc", nn.Linear(3, 3)), ("act", nn.ReLU(inplace: true)));
        using var input = torch.randn(4, 3);
        using var captured = model.CaptureOutputs(input);

        using var fc = ((Linear)model.GetSubmodule("fc")).call(input);
        torch.allclose(captured["fc"], fc).ShouldBeTrue();            // not the ReLU'd values
        (captured["fc"].lt(0).any().item<bool>()).ShouldBeTrue();
        captured.Values.ShouldAllBe(t => !t.requires_grad && t.device_type == DeviceType.CPU);
    }

    [Fact]
    public void Capture_Succeeds_RemovesEveryHook_AndRestoresTrainFlags()
    {
        using var twin = PortCheckFixtures.Twin("transformer", PlantedBug.None);
        twin.train();
        twin.GetSubmodule("blocks.1").eval();
        var before = twin.NamedModules().Select(x => (x.Name, x.Module.training)).ToList();
        using var input = PortCheckFixtures.Input("transformer");

        using (twin.CaptureOutputs(input, PortCheckFixtures.Options("transformer"))) { }

        HookCounter.Count(twin).ShouldBe(0);
        twin.NamedModules().Select(x => (x.Name, x.Module.training)).ToList().ShouldBe(before);
    }

    private sealed class Thrower : nn.Module<Tensor, Tensor>
    {
        public Thrower() : base(nameof(Thrower)) { }

        public bool Throws { get; set; } = true;

        public override Tensor forward(Tensor x) => Throws ? throw new InvalidOperationException("boom in forward") : x.alias();
    }

    [Fact]
    public void Capture_ForwardThrows_RemovesEveryHook_RestoresFlags_AndRethrows()
    {
        var thrower = new Thrower();
        using var model = nn.Sequential(("fc", nn.Linear(3, 3)), ("bad", thrower));
        model.train();
        using var input = torch.randn(2, 3);

        var error = Should.Throw<InvalidOperationException>(() => model.CaptureOutputs(input, PortCheckFixtures.Options("transformer")));

        error.Message.ShouldBe("boom in forward");
        HookCounter.Count(model).ShouldBe(0);
        model.Modules().ShouldAllBe(m => m.training);
        thrower.Throws = false;
        using var again = model.CaptureOutputs(input, "fc");   // still usable: the failed capture left no hook behind
        again.Keys.ShouldBe(new[] { "fc" });
    }

    [Fact]
    public void HookCounter_SeesHooksWhileTheyAreRegistered()
    {
        using var model = nn.Linear(2, 2);
        var handle = model.register_forward_hook((_, _, output) => output);
        HookCounter.Count(model).ShouldBe(1);
        handle.remove();
        HookCounter.Count(model).ShouldBe(0);
    }

    [Fact]
    public void SharedModule_CountsCallsUnderItsFirstPath()
    {
        var shared = nn.Linear(2, 2);
        using var model = nn.Sequential(shared, nn.ReLU(), shared);
        using var input = torch.randn(1, 2);
        using var captured = model.CaptureOutputs(input);

        captured.Keys.ShouldBe(new[] { "0", "1", "0_1", "(root)" }); // what capture_outputs.py writes for the same model
    }

    private sealed class GradProbe : nn.Module<Tensor, Tensor>
    {
        public GradProbe() : base(nameof(GradProbe)) { }

        public bool? GradEnabled { get; private set; }

        public bool? Training { get; private set; }

        public override Tensor forward(Tensor x)
        {
            GradEnabled = torch.is_grad_enabled();
            Training = training;
            return x.alias();
        }
    }

    [Fact]
    public void Forward_RunsUnderNoGrad_InEvalMode_UnlessAskedToKeepTheMode()
    {
        using var probe = new GradProbe();
        probe.train();
        using var input = torch.randn(1, 2);

        using (probe.CaptureOutputs(input)) { }
        probe.GradEnabled.ShouldBe(false);
        probe.Training.ShouldBe(false);
        probe.training.ShouldBeTrue();
        torch.is_grad_enabled().ShouldBeTrue();

        using (probe.CaptureOutputs(input, CaptureOptions.Default with { EvalMode = false })) { }
        probe.Training.ShouldBe(true);
    }

    [Fact]
    public void Capture_SurvivesCallersDisposeScope_AndDisposeReleasesTensors()
    {
        using var model = nn.Sequential(("fc", nn.Linear(3, 3)));
        using var input = torch.randn(2, 3);
        CapturedOutputs captured;
        using (torch.NewDisposeScope()) captured = model.CaptureOutputs(input, "fc");

        var tensor = captured["fc"];
        tensor.IsInvalid.ShouldBeFalse();
        captured.Dispose();
        tensor.IsInvalid.ShouldBeTrue();
        model.parameters().ShouldAllBe(p => !p.IsInvalid);
    }

    [Fact]
    public void SaveAndLoad_KeepNamesOrderAndValues()
    {
        using var twin = PortCheckFixtures.Twin("transformer", PlantedBug.None);
        using var input = PortCheckFixtures.Input("transformer");
        using var captured = twin.CaptureOutputs(input, PortCheckFixtures.Options("transformer"));
        var path = Path.Combine(Path.GetTempPath(), $"capture-{Guid.NewGuid():N}.safetensors");
        try
        {
            captured.Save(path);
            using var loaded = CapturedOutputs.Load(path);
            loaded.Keys.ShouldBe(captured.Keys);
            foreach (var (name, tensor) in captured) loaded[name].allclose(tensor, rtol: 0, atol: 0).ShouldBeTrue(name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MultipleInputs_AreCapturedAsInputsOfTheCall()
    {
        using var model = new TwoInputs();
        using var a = torch.ones(2, 2);
        using var b = torch.full(2, 2, 3.0f);
        using var captured = model.CaptureOutputs([a, b], CaptureOptions.Default with { IncludeInputs = true });

        captured.Keys.ShouldBe(new[] { "(root):in[0]", "(root):in[1]", "(root)" });
        captured["(root)"].sum().item<float>().ShouldBe(16f);
    }

    private sealed class TwoInputs : nn.Module<Tensor, Tensor, Tensor>
    {
        public TwoInputs() : base(nameof(TwoInputs)) { }

        public override Tensor forward(Tensor x, Tensor y) => x + y;
    }

    [Theory]
    [InlineData("blocks.9", "Pattern 'blocks.9' matches no module name. Nearest names: 'blocks.0', 'blocks.1', 'blocks'. Use '**' for any number of segments, e.g. 'layer4.**'.")]
    public void PatternMatchingNothing_Throws_NamingNearest(string pattern, string message)
    {
        using var twin = new TinyTransformer();
        using var input = torch.zeros(1, 5, 6);
        var error = Should.Throw<ArgumentException>(() => twin.CaptureOutputs(input, pattern));
        error.Message.ShouldBe(message + " (Parameter 'patterns')");
        HookCounter.Count(twin).ShouldBe(0);
        using var allowed = twin.CaptureOutputs(input, CaptureOptions.Default with { Patterns = [pattern, "head"], AllowNoMatch = true });
        allowed.Keys.ShouldBe(new[] { "head" });
    }

    [Fact]
    public void EmptyPatternList_Throws_UnlessNoMatchIsAllowed()
    {
        using var twin = new TinyTransformer();
        using var input = torch.zeros(1, 5, 6);
        Should.Throw<ArgumentException>(() => twin.CaptureOutputs(input, CaptureOptions.Default with { Patterns = [] }))
            .Message.ShouldBe("No pattern selects a module to capture; give at least one (\"**\" captures every module). (Parameter 'options')");
        using var none = twin.CaptureOutputs(input, CaptureOptions.Default with { Patterns = [], AllowNoMatch = true });
        none.Count.ShouldBe(0);
    }

    [Theory]
    [InlineData("blocks..0")]
    [InlineData("block*")]
    public void MalformedPattern_ThrowsFormatException(string pattern)
    {
        using var twin = new TinyTransformer();
        using var input = torch.zeros(1, 5, 6);
        Should.Throw<FormatException>(() => twin.CaptureOutputs(input, pattern));
    }

    [Fact]
    public void WrongArity_AndWrongInputType_Throw()
    {
        using var twin = new TinyTransformer();
        using var input = torch.zeros(1, 5, 6);
        Should.Throw<ArgumentException>(() => twin.CaptureOutputs([input, input], CaptureOptions.Default))
            .Message.ShouldStartWith("TinyTransformer cannot be called with 2 input(s)");
        Should.Throw<ArgumentException>(() => twin.CaptureOutputs(["text"], CaptureOptions.Default))
            .Message.ShouldStartWith("Input 0 of TinyTransformer.call is a String, but the forward takes a Tensor there.");
    }

    [Fact]
    public void NullArguments_Throw()
    {
        using var twin = new TinyTransformer();
        using var input = torch.zeros(1, 5, 6);
        Should.Throw<ArgumentNullException>(() => ((Module)null!).CaptureOutputs(input)).ParamName.ShouldBe("module");
        Should.Throw<ArgumentNullException>(() => twin.CaptureOutputs((Tensor)null!)).ParamName.ShouldBe("input");
        Should.Throw<ArgumentNullException>(() => twin.CaptureOutputs(input, (CaptureOptions)null!)).ParamName.ShouldBe("options");
        Should.Throw<ArgumentNullException>(() => twin.CaptureOutputs(input, (string[])null!)).ParamName.ShouldBe("patterns");
    }
}
