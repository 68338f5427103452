using System.Globalization;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchModel.CudaChecks;

/// <summary>The checks of issue #15, each written for any device: on <c>cuda</c> they prove the device-crossing paths,
/// on <c>cpu</c> they are the fallback that CI runs (same code, same expectations, one device).</summary>
internal static class DeviceChecks
{
    /// <summary>The model of the fixtures: PyTorch's
    /// <c>nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3), nn.BatchNorm1d(3))</c>
    /// (tests/TorchModel.Tests/Golden/gen_checkpoints.py), with parameters and buffers, an int64 one included.</summary>
    public static Sequential BatchNormModel()
        => nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3), nn.BatchNorm1d(3));

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    /// <summary>The tensors PyTorch wrote into batchnorm.safetensors, on the CPU, in file order.</summary>
    private static List<KeyValuePair<string, Tensor>> PyTorchValues()
        => SafeTensors.Load(Fixture("batchnorm.safetensors")).ToList();

    private static List<KeyValuePair<string, Tensor>> Ordered(StateDict state) => state.ToList();

    /// <summary>NamedParameters/NamedBuffers of a model moved to the device: PyTorch's names and order, every tensor
    /// on the device, and they are the model's own (GetParameter gives the same tensor).</summary>
    public static void Traversal(Device device)
    {
        using var cpuModel = BatchNormModel();
        using var model = BatchNormModel();
        model.to(device);
        Expect.Equal(string.Join(",", cpuModel.NamedParameters().Select(x => x.Name)), string.Join(",", model.NamedParameters().Select(x => x.Name)), "parameter names");
        Expect.Equal(string.Join(",", cpuModel.NamedBuffers().Select(x => x.Name)), string.Join(",", model.NamedBuffers().Select(x => x.Name)), "buffer names");
        foreach (var (name, p) in model.NamedParameters())
        {
            Expect.OnDevice(p, device, name);
            var same = model.GetParameter(name); // the model's own tensor: not ours to dispose
            Expect.True(SharesStorage(p, same), $"GetParameter(\"{name}\") is not the tensor NamedParameters yields");
        }
        foreach (var (name, b) in model.NamedBuffers()) Expect.OnDevice(b, device, name);
        Expect.Equal(cpuModel.CountParameters(), model.CountParameters(), "CountParameters");
    }

    /// <summary>StateDict of a model on the device: every entry on the device and a view of the model's tensor (a write
    /// through the view shows in the parameter), not a copy.</summary>
    public static void StateDictViews(Device device)
    {
        using var model = BatchNormModel();
        model.to(device);
        using var state = model.StateDict();
        Expect.Equal(PyTorchValues().Count, state.Count, "StateDict entries");
        foreach (var (name, tensor) in state) Expect.OnDevice(tensor, device, name);
        foreach (var (name, p) in model.NamedParameters())
        {
            Expect.True(SharesStorage(p, state[name]), $"StateDict()[\"{name}\"] is a copy, not a view of the parameter");
        }
    }

    /// <summary>True when a write through <paramref name="view"/> shows in <paramref name="tensor"/>.</summary>
    private static bool SharesStorage(Tensor tensor, Tensor view)
    {
        using var _ = torch.no_grad();
        using var before = tensor.detach().clone();
        view.add_(1);
        using var after = tensor.detach().clone();
        view.sub_(1);
        using var expected = before + 1;
        return after.eq(expected).all().item<bool>();
    }

    /// <summary>LoadStateDict of PyTorch's CPU tensors into a model on the device: values land, the parameters stay
    /// the same objects on the device.</summary>
    public static void LoadStateDictFromCpu(Device device)
    {
        var expected = PyTorchValues();
        using var model = BatchNormModel();
        model.to(device);
        var before = model.NamedParameters().ToList();
        model.LoadStateDict(expected.ToDictionary(x => x.Key, x => x.Value));
        var after = model.NamedParameters().ToList();
        for (int i = 0; i < before.Count; i++)
        {
            Expect.True(ReferenceEquals(before[i].Parameter, after[i].Parameter), $"LoadStateDict replaced parameter {after[i].Name}");
            Expect.OnDevice(after[i].Parameter, device, after[i].Name);
        }
        using var state = model.StateDict();
        foreach (var (name, tensor) in state) Expect.OnDevice(tensor, device, name);
        Expect.SameTensors(expected, Ordered(state), "after LoadStateDict");
    }

    /// <summary>A model on the device loaded from PyTorch's files, its StateDict loaded into a CPU model: the CPU model
    /// holds PyTorch's values, on the CPU.</summary>
    public static void LoadStateDictIntoCpu(Device device)
    {
        var expected = PyTorchValues();
        using var source = BatchNormModel();
        source.to(device);
        source.LoadSafeTensors(Fixture("batchnorm.safetensors"));
        using var sourceState = source.StateDict();
        using var cpuModel = BatchNormModel();
        cpuModel.LoadStateDict(sourceState);
        using var state = cpuModel.StateDict();
        foreach (var (name, tensor) in state) Expect.OnDevice(tensor, torch.CPU, name);
        Expect.SameTensors(expected, Ordered(state), "CPU model after LoadStateDict of the device model's state");
    }

    /// <summary>LoadSafeTensors of PyTorch's file into a model on the device.</summary>
    public static void LoadSafeTensors(Device device)
    {
        var expected = PyTorchValues();
        using var model = BatchNormModel();
        model.to(device);
        model.LoadSafeTensors(Fixture("batchnorm.safetensors"));
        using var state = model.StateDict();
        foreach (var (name, tensor) in state) Expect.OnDevice(tensor, device, name);
        Expect.SameTensors(expected, Ordered(state), "after LoadSafeTensors");
    }

    /// <summary>PyTorchCheckpoint.Load of PyTorch's torch.save file, loaded into a model on the device.</summary>
    public static void LoadTorchSave(Device device)
    {
        var expected = PyTorchValues();
        using var model = BatchNormModel();
        model.to(device);
        using (var checkpoint = PyTorchCheckpoint.Load(Fixture("batchnorm.pt")))
        {
            model.LoadStateDict(checkpoint);
        }
        using var state = model.StateDict();
        foreach (var (name, tensor) in state) Expect.OnDevice(tensor, device, name);
        Expect.SameTensors(expected, Ordered(state), "after LoadStateDict(PyTorchCheckpoint.Load(batchnorm.pt))");
    }

    /// <summary>SavePyTorch of a model on the device (a torch.save file): read back on the CPU it equals PyTorch's values,
    /// and LoadPyTorch brings it into a CPU model and into a model on the device.</summary>
    public static void SaveTorchSave(Device device, string folder)
    {
        var expected = PyTorchValues();
        string path = Path.Combine(folder, $"save-{device.type}.pt".ToLowerInvariant());
        using var model = BatchNormModel();
        model.to(device);
        model.LoadSafeTensors(Fixture("batchnorm.safetensors"));
        model.SavePyTorch(path);
        using (var read = PyTorchCheckpoint.Load(path))
        {
            foreach (var (name, tensor) in read) Expect.OnDevice(tensor, torch.CPU, "read-back " + name);
            Expect.SameTensors(expected, read.ToList(), "PyTorchCheckpoint.Load of the saved file");
        }
        using var back = BatchNormModel();
        back.to(device);
        back.LoadPyTorch(path);
        using var backState = back.StateDict();
        foreach (var (name, tensor) in backState) Expect.OnDevice(tensor, device, name);
        Expect.SameTensors(expected, Ordered(backState), "device model loaded with LoadPyTorch");
    }

    /// <summary>An AdamW built on the CPU, moved with the model by <c>MoveTo</c>, steps on the device; its training
    /// checkpoint loads into a fresh CPU model and optimizer, and the next step on both sides agrees.</summary>
    public static void TrainingCheckpointAcrossDevices(Device device, string folder)
    {
        torch.manual_seed(7);
        using var model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2));
        var optimizer = torch.optim.AdamW(model.parameters(), lr: 0.01);
        optimizer = model.MoveTo(device, optimizer);
        using var x = torch.randn(16, 4).to(device);
        using var y = torch.randn(16, 2).to(device);
        for (int i = 0; i < 3; i++)
        {
            optimizer.zero_grad();
            using var loss = nn.functional.mse_loss(model.call(x), y);
            loss.backward();
            optimizer.step();
        }
        string path = Path.Combine(folder, $"train-{device.type}.pt".ToLowerInvariant());
        TrainingCheckpoint.Save(path, model, optimizer, epoch: 3);

        using var cpuModel = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2));
        var cpuOptimizer = torch.optim.AdamW(cpuModel.parameters(), lr: 0.01);
        using (var tree = TrainingCheckpoint.Load(path, cpuModel, cpuOptimizer))
        {
            Expect.Equal(3L, tree["epoch"].AsInt64(), "epoch read back");
        }
        using var xCpu = x.cpu();
        using var yCpu = y.cpu();
        foreach (var (m, opt, input, target) in new[] { (model, optimizer, x, y), (cpuModel, cpuOptimizer, xCpu, yCpu) })
        {
            opt.zero_grad();
            using var loss = nn.functional.mse_loss(m.call(input), target);
            loss.backward();
            opt.step();
        }
        using var deviceState = model.StateDict();
        using var cpuState = cpuModel.StateDict();
        Expect.SameTensors(Ordered(deviceState), Ordered(cpuState), "one more AdamW step on the device and on the CPU after the checkpoint", tolerance: 1e-5);
    }

    /// <summary>SaveSafeTensors of a model on the device: the file reads back equal (SafeTensors.Load, on the CPU), and
    /// loads into a CPU model and back into a model on the device.</summary>
    public static void SaveSafeTensors(Device device, string folder)
    {
        var expected = PyTorchValues();
        string path = Path.Combine(folder, $"save-{device.type}.safetensors".ToLowerInvariant());
        using var model = BatchNormModel();
        model.to(device);
        model.LoadSafeTensors(Fixture("batchnorm.safetensors"));
        model.SaveSafeTensors(path);
        using (var read = SafeTensors.Load(path))
        {
            foreach (var (name, tensor) in read) Expect.OnDevice(tensor, torch.CPU, "read-back " + name);
            Expect.SameTensors(expected, read.ToList(), "SafeTensors.Load of the saved file");
        }
        using var cpuModel = BatchNormModel();
        cpuModel.LoadSafeTensors(path);
        using (var cpuState = cpuModel.StateDict()) Expect.SameTensors(expected, Ordered(cpuState), "CPU model loaded from the saved file");
        using var back = BatchNormModel();
        back.to(device);
        back.LoadSafeTensors(path);
        using var backState = back.StateDict();
        foreach (var (name, tensor) in backState) Expect.OnDevice(tensor, device, name);
        Expect.SameTensors(expected, Ordered(backState), "device model loaded from the saved file");
    }

    /// <summary>Optimizer groups after <c>.to(device)</c>: groups built before a move to CUDA are reported stale
    /// (TorchSharp's <c>.to()</c> replaces Parameter objects); groups rebuilt after it hold the model's parameters,
    /// on the device, and an AdamW step through them changes the model.</summary>
    public static void OptimizerGroupsAfterTo(Device device)
    {
        using var model = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.Linear(8, 2));
        var options = ParameterGroupOptions.Default with { WeightDecay = 0.01 };
        var early = model.GroupParameters(options);
        model.to(device);
        if (device.type == DeviceType.CUDA)
        {
            bool stale = false;
            try { early.EnsureValid(); }
            catch (InvalidOperationException) { stale = true; }
            Expect.True(stale, "groups built before .to(cuda) were not reported stale");
        }

        var groups = model.GroupParameters(options);
        var current = model.NamedParameters().ToDictionary(x => x.Name, x => x.Parameter);
        Expect.Equal("0.weight,2.weight|0.bias,1.weight,1.bias,2.bias",
            string.Join("|", groups.Groups.Select(g => string.Join(",", g.Parameters.Select(p => p.Name)))), "groups");
        foreach (var (name, p) in groups.Groups.SelectMany(g => g.Parameters))
        {
            Expect.True(ReferenceEquals(current[name], p), $"group parameter {name} is not the model's");
            Expect.OnDevice(p, device, name);
        }

        using var optimizer = torch.optim.AdamW(groups.ForAdamW(), lr: 0.01);
        using var before = model.GetParameter("0.weight").detach().clone();
        using var x = torch.randn(16, 4, generator: new Generator(1)).to(device);
        optimizer.zero_grad();
        using var loss = model.call(x).pow(2).mean();
        loss.backward();
        optimizer.step();
        Expect.True(!model.GetParameter("0.weight").detach().eq(before).all().item<bool>(), "an AdamW step through the groups did not change 0.weight");
    }

    /// <summary>Summary of a model on the device runs its forward pass there and prints what the CPU summary prints.</summary>
    public static void Summary(Device device)
    {
        using var cpuModel = BatchNormModel();
        using var model = BatchNormModel();
        model.to(device);
        var expected = cpuModel.Summary([2, 1, 4, 4]);
        var actual = model.Summary([2, 1, 4, 4]);
        Expect.True(actual.HasForwardPass, "Summary ran no forward pass");
        Expect.Equal(expected.ToString(), actual.ToString(), "Summary text");
    }

    /// <summary>CaptureOutputs of a model on the device (issue #19): the CPU capture's names and order, every captured
    /// tensor copied to the CPU, and PortCheck.Compare finds no divergence from the CPU capture within 1e-4.</summary>
    public static void CaptureOutputs(Device device)
    {
        using var cpuModel = BatchNormModel();
        cpuModel.LoadSafeTensors(Fixture("batchnorm.safetensors"));
        using var model = BatchNormModel();
        model.LoadSafeTensors(Fixture("batchnorm.safetensors"));
        model.to(device);
        var generator = new torch.Generator(19);
        using var input = torch.randn([2, 1, 4, 4], generator: generator);
        using var deviceInput = input.to(device);
        var options = CaptureOptions.Default with { IncludeInputs = true };
        using var expected = cpuModel.CaptureOutputs(input, options);
        using var actual = model.CaptureOutputs(deviceInput, options);
        Expect.Equal(string.Join(",", expected.Keys), string.Join(",", actual.Keys), "capture names");
        foreach (var (name, tensor) in actual) Expect.OnDevice(tensor, torch.CPU, name);
        var report = PortCheck.Compare(expected, actual, atol: 1e-4, rtol: 1e-4);
        Expect.True(report.IsMatch, report.ToString());
    }

    /// <summary>Repr of ParameterList/ParameterDict whose parameters are on the device, against PyTorch's text: the
    /// committed CPU golden (repr.json), or on CUDA a golden that the GPU machine's PyTorch wrote
    /// (build/gpu/repr_golden.py), since the device shows in the text.</summary>
    public static void Repr(Device device, string goldenPath)
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(goldenPath));
        var layers = golden.RootElement.GetProperty("layers");
        using var list = nn.ParameterList(new Parameter(torch.zeros(3, 4)), new Parameter(torch.zeros(5, dtype: torch.float64)));
        using var dict = nn.ParameterDict(("left", new Parameter(torch.zeros(5, 10))), ("right", new Parameter(torch.zeros(2, dtype: torch.float64))));
        list.to(device);
        dict.to(device);
        foreach (var p in list.Parameters().Concat(dict.Parameters())) Expect.OnDevice(p, device, "parameter");
        Expect.Equal(layers.GetProperty("ParameterList_two").GetProperty("repr").GetString(), list.Repr(), "ParameterList repr");
        Expect.Equal(layers.GetProperty("ParameterDict").GetProperty("repr").GetString(), dict.Repr(), "ParameterDict repr");
    }

    /// <summary>50 fine-tuning steps on the device (frozen backbone, AdamW groups): the loss falls, and the weights,
    /// saved with SaveSafeTensors and loaded into a CPU model, give the device model's outputs within 1e-4.</summary>
    public static void FineTune(Device device, string folder)
    {
        torch.manual_seed(0);
        using var model = nn.Sequential(
            ("backbone", nn.Sequential(nn.Conv2d(1, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(8, 16, 3, padding: 1), nn.BatchNorm2d(16), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten())),
            ("head", nn.Linear(64, 4)));
        model.to(device);
        model.Freeze("backbone.**");
        var groups = model.GroupParameters(ParameterGroupOptions.Default with { WeightDecay = 0.01 });
        using var optimizer = torch.optim.AdamW(groups.ForAdamW(), lr: 0.01);
        using var lossFunction = nn.CrossEntropyLoss();

        // Which quadrant of a noisy 16x16 image holds a bright square; made on the CPU so every device sees the same data.
        var generator = new Generator(0);
        using var labels = torch.randint(0, 4, [50 * 32], generator: generator);
        using var squares = torch.zeros(4, 1, 16, 16);
        for (int q = 0; q < 4; q++)
            squares[q, 0, TensorIndex.Slice(q / 2 * 8 + 1, q / 2 * 8 + 7), TensorIndex.Slice(q % 2 * 8 + 1, q % 2 * 8 + 7)] = 0.8f;
        using var images = torch.randn([50 * 32, 1, 16, 16], generator: generator) + squares.index_select(0, labels);
        using var x = images.to(device);
        using var y = labels.to(device);

        var losses = new List<float>();
        model.train();
        model.GetSubmodule("backbone").eval();
        for (int step = 0; step < 50; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = torch.arange(step * 32, step * 32 + 32, device: device);
            optimizer.zero_grad();
            var loss = lossFunction.call(model.call(x.index_select(0, batch)), y.index_select(0, batch));
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        double first = losses.Take(5).Average(), last = losses.TakeLast(5).Average();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      loss: first 5 steps {first:F4}, last 5 steps {last:F4}"));
        Expect.True(last < first, string.Create(CultureInfo.InvariantCulture, $"loss did not fall: {first:F4} -> {last:F4}"));

        string path = Path.Combine(folder, $"finetune-{device.type}.safetensors".ToLowerInvariant());
        model.SaveSafeTensors(path);
        model.eval();
        using var probe = torch.randn([64, 1, 16, 16], generator: new Generator(7));
        Tensor deviceOut;
        using (torch.no_grad()) deviceOut = model.call(probe.to(device)).cpu();
        using var cpuModel = nn.Sequential(
            ("backbone", nn.Sequential(nn.Conv2d(1, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(8, 16, 3, padding: 1), nn.BatchNorm2d(16), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten())),
            ("head", nn.Linear(64, 4)));
        cpuModel.LoadSafeTensors(path);
        cpuModel.eval();
        Tensor cpuOut;
        using (torch.no_grad()) cpuOut = cpuModel.call(probe);
        using (deviceOut)
        using (cpuOut)
        {
            double diff = Expect.MaxAbsDiff(deviceOut, cpuOut);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      max |device - cpu| of the reloaded weights' outputs: {diff:G3}"));
            Expect.True(diff <= 1e-4, string.Create(CultureInfo.InvariantCulture, $"outputs of the weights reloaded on the CPU differ by {diff:G3} (> 1e-4)"));
        }
    }
}
