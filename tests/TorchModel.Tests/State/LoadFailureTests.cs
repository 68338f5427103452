using System.Runtime.InteropServices;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.State;

/// <summary>
/// Every way a load can fail, at the model's last key (every other entry would have been copied before it by a
/// copy-as-you-go loader): the load throws <see cref="StateDictLoadException"/> and every parameter and buffer keeps
/// its bytes. Where libtorch's <c>copy_</c> is the one refusing, the expected reason is taken from libtorch itself by
/// running the same copy on throwaway tensors, inside PyTorch's per-key wrapper text.
/// </summary>
[Collection("TorchGlobalState")]
public class LoadFailureTests
{
    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var model in new[] { "resnet18", "WithBuffers", "NativeLayers", "TiedLM" })
        {
            foreach (var reason in new[] { "size", "null", "disposed", "meta", "quantized", "sparse", "ownOverlap", "aliasOther" })
            {
                data.Add(model, reason, true);
                data.Add(model, reason, false);
            }
            data.Add(model, "missing", true);
            data.Add(model, "unexpected", true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FailureAtLastKey_LeavesModelBitForBitUnchanged(string modelName, string reason, bool strict)
    {
        torch.manual_seed(1);
        using var model = GoldenModels.Create(modelName);
        torch.manual_seed(2);
        using var other = GoldenModels.Create(modelName);
        var before = Snapshot(model);
        using var source = other.StateDict();
        var entries = source.ToList();
        var (lastKey, lastValue) = entries[^1];
        using var modelState = model.StateDict();
        var target = modelState[lastKey];
        var otherTarget = modelState.First(kv => kv.Key != lastKey && kv.Value.NumberOfElements > 0 && !SameMemory(kv.Value, target)).Value;
        var made = new List<Tensor>();
        Tensor Keep(Tensor t) { made.Add(t); return t; }
        string? expected = null;
        var shape = lastValue.shape;
        Tensor bad;
        switch (reason)
        {
            case "size": bad = Keep(torch.zeros(shape.Append(2).ToArray(), dtype: lastValue.dtype)); break;
            case "null": bad = null!; break;
            case "disposed": bad = torch.zeros(shape); bad.Dispose(); break;
            case "meta":
                bad = Keep(torch.empty(shape, dtype: lastValue.dtype, device: torch.device("meta")));
                expected = Wrapped(lastKey, target, bad, LibTorchRefusal(Keep(torch.zeros_like(target)), bad));
                break;
            case "quantized":
                bad = Keep(torch.quantize_per_tensor(torch.ones(shape), 0.1, 0, ScalarType.QInt8));
                expected = Wrapped(lastKey, target, bad, LibTorchRefusal(Keep(torch.zeros_like(target)), bad));
                break;
            case "sparse":
                bad = Keep(torch.ones(shape.Length == 0 ? [1] : shape, dtype: lastValue.dtype).to_sparse());
                expected = Wrapped(lastKey, target, bad, LibTorchRefusal(Keep(torch.zeros_like(target)), bad));
                break;
            case "ownOverlap":
                // A view of the target's own memory that is not the target itself: transposed when square, else every
                // element aliasing the first (libtorch refuses the former; both would read bytes already overwritten).
                bad = Keep(shape.Length == 2 && shape[0] == shape[1] ? target.t() : target.as_strided(shape, new long[shape.Length]));
                if (shape.Length == 2 && shape[0] == shape[1])
                {
                    var scratch = Keep(torch.zeros_like(target));
                    expected = Wrapped(lastKey, target, bad, LibTorchRefusal(scratch, Keep(scratch.t())));
                }
                break;
            case "aliasOther":
                // Every element of the value is the first element of another tensor the load writes.
                bad = Keep(otherTarget.as_strided(shape, new long[shape.Length]));
                break;
            default: bad = lastValue; break;
        }
        if (reason == "missing") entries.RemoveAt(entries.Count - 1);
        else if (reason == "unexpected") entries.Add(KeyValuePair.Create("bogus.weight", lastValue));
        else entries[^1] = KeyValuePair.Create(lastKey, bad);
        var input = entries.ToDictionary(kv => kv.Key, kv => kv.Value);

        var ex = Should.Throw<StateDictLoadException>(() => model.LoadStateDict(input, strict));

        if (expected is not null) ex.Errors.ShouldBe(new[] { expected });
        if (reason == "aliasOther") ex.Errors.Single().ShouldContain("shares memory with");
        ShouldBeUnchanged(model, before);
        foreach (var t in made) t.Dispose();
        foreach (var t in before.Values) t.Dispose();
    }

    [Fact]
    public void ExpandedBufferTarget_IsRefusedBeforeAnyWrite_WithLibTorchsReason()
    {
        using var model = new ExpandedBuffer();
        var before = Snapshot(model);
        using var w = torch.ones(2, 2);
        using var b = torch.ones(2);
        using var e = torch.ones(4);
        var ex = Should.Throw<StateDictLoadException>(() => model.LoadStateDict(new Dictionary<string, Tensor> { ["lin.weight"] = w, ["lin.bias"] = b, ["e"] = e }));
        using var scratch = torch.zeros(1).expand(4);
        ex.Errors.ShouldBe(new[] { Wrapped("e", scratch, e, LibTorchRefusal(scratch, e)) });
        ShouldBeUnchanged(model, before);
    }

    [Fact]
    public void InferenceTensorTarget_IsRefusedBeforeAnyWrite_WithLibTorchsReason()
    {
        using var model = new InferenceBuffer();
        var before = Snapshot(model);
        using var w = torch.ones(2, 2);
        using var b = torch.ones(2);
        using var i = torch.ones(3);
        var ex = Should.Throw<StateDictLoadException>(() => model.LoadStateDict(new Dictionary<string, Tensor> { ["lin.weight"] = w, ["lin.bias"] = b, ["inf"] = i }));
        Tensor probe;
        using (torch.inference_mode()) probe = torch.zeros(3);
        using (probe) ex.Errors.ShouldBe(new[] { Wrapped("inf", probe, i, LibTorchRefusal(probe, i)) });
        ShouldBeUnchanged(model, before);

        // Inside inference mode libtorch allows the write, and so does the load.
        using (torch.inference_mode()) model.LoadStateDict(new Dictionary<string, Tensor> { ["lin.weight"] = w, ["lin.bias"] = b, ["inf"] = i });
        model.GetBuffer("inf").sum().item<float>().ShouldBe(3f);
    }

    [Theory]
    [InlineData(nameof(ExpandedBuffer))]
    [InlineData(nameof(InferenceBuffer))]
    public void StreamedSafeTensorsLoad_RefusesTheSameTargetsBeforeAnyWrite(string modelName)
    {
        using var model = modelName == nameof(ExpandedBuffer) ? (nn.Module)new ExpandedBuffer() : new InferenceBuffer();
        string bufferName = modelName == nameof(ExpandedBuffer) ? "e" : "inf";
        var before = Snapshot(model);
        using var w = torch.ones(2, 2);
        using var b = torch.ones(2);
        using var buffer = torch.ones(modelName == nameof(ExpandedBuffer) ? 4 : 3);
        var source = new Dictionary<string, Tensor> { ["lin.weight"] = w, ["lin.bias"] = b, [bufferName] = buffer };
        string folder = Directory.CreateTempSubdirectory("tm-streamed-refusal-").FullName;
        try
        {
            string path = Path.Combine(folder, "weights.safetensors");
            SafeTensors.Save(source, path);
            var inMemory = Should.Throw<StateDictLoadException>(() => model.LoadStateDict(source));
            var streamed = Should.Throw<StateDictLoadException>(() => model.LoadSafeTensors(path));
            streamed.Errors.ShouldBe(inMemory.Errors);
            ShouldBeUnchanged(model, before);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("TiedLM")]
    [InlineData("SharedModules")]
    [InlineData("resnet18")]
    public void OwnStateDict_SharingMemoryWithEveryTarget_LoadsAsANoOp(string modelName)
    {
        torch.manual_seed(1);
        using var model = GoldenModels.Create(modelName);
        var before = Snapshot(model);
        using var own = model.StateDict();
        model.LoadStateDict(own).AllKeysMatched.ShouldBeTrue();
        ShouldBeUnchanged(model, before);
        foreach (var t in before.Values) t.Dispose();
    }

    [Fact]
    public void MetaTarget_AcceptsAnySourceAsCopyDoes()
    {
        using var model = nn.Linear(2, 2, device: torch.device("meta"));
        using var w = torch.ones(2, 2);
        using var b = torch.empty(2, device: torch.device("meta"));
        model.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = w, ["bias"] = b }).AllKeysMatched.ShouldBeTrue();
    }

    [Fact]
    public void ComplexIntoReal_IsAcceptedAsCopyDoes_KeepingTheRealPart()
    {
        using var model = nn.Linear(1, 1);
        using var w = torch.complex(torch.full(1, 1, 2f), torch.full(1, 1, 5f));
        using var b = torch.zeros(1, dtype: ScalarType.ComplexFloat64);
        model.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = w, ["bias"] = b });
        model.weight!.item<float>().ShouldBe(2f);
    }

    /// <summary>A buffer whose four elements are one float in memory (libtorch refuses to write into it).</summary>
    private sealed class ExpandedBuffer : nn.Module
    {
        public ExpandedBuffer() : base(nameof(ExpandedBuffer))
        {
            register_module("lin", nn.Linear(2, 2));
            register_buffer("e", torch.zeros(1).expand(4));
        }
    }

    /// <summary>A buffer created under inference mode (libtorch refuses to write into it outside inference mode).</summary>
    private sealed class InferenceBuffer : nn.Module
    {
        public InferenceBuffer() : base(nameof(InferenceBuffer))
        {
            register_module("lin", nn.Linear(2, 2));
            using (torch.inference_mode()) register_buffer("inf", torch.zeros(3));
        }
    }

    /// <summary>PyTorch 2.x's per-key text when copy_ raises (torch/nn/modules/module.py, _load_from_state_dict).</summary>
    private static string Wrapped(string key, Tensor target, Tensor source, string reason)
        => $"While copying the parameter named \"{key}\", whose dimensions in the model are {SizeText(target)} and whose dimensions in the checkpoint are {SizeText(source)}, an exception occurred : ({PyRepr(reason)},).";

    private static string SizeText(Tensor t) => $"torch.Size([{string.Join(", ", t.shape)}])";

    private static string PyRepr(string text) => text.Contains('\'') && !text.Contains('"') ? $"\"{text}\"" : $"'{text.Replace("\\", "\\\\").Replace("'", "\\'")}'";

    /// <summary>What libtorch says when asked to copy <paramref name="source"/> into <paramref name="scratch"/>, a
    /// throwaway tensor of the target's kind.</summary>
    private static string LibTorchRefusal(Tensor scratch, Tensor source)
    {
        var ex = Should.Throw<ExternalException>(() => { using var _ = torch.no_grad(); scratch.copy_(source); });
        return ex.Message.Split('\n')[0];
    }

    private static bool SameMemory(Tensor a, Tensor b) => THSTensor_data(a.Handle) == THSTensor_data(b.Handle);

    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    private static Dictionary<string, Tensor> Snapshot(Module model)
    {
        var copy = new Dictionary<string, Tensor>();
        foreach (var (name, p) in model.NamedParameters(removeDuplicate: false)) copy[name] = p.detach().clone();
        foreach (var (name, b) in model.NamedBuffers(removeDuplicate: false)) copy[name] = b.detach().clone();
        return copy;
    }

    private static void ShouldBeUnchanged(Module model, Dictionary<string, Tensor> before)
    {
        var now = new List<string>();
        foreach (var (name, p) in model.NamedParameters(removeDuplicate: false)) { now.Add(name); Same(name, p, before[name]); }
        foreach (var (name, b) in model.NamedBuffers(removeDuplicate: false)) { now.Add(name); Same(name, b, before[name]); }
        now.ShouldBe(before.Keys);
    }

    private static void Same(string name, Tensor now, Tensor before)
    {
        now.dtype.ShouldBe(before.dtype, name);
        using var contiguous = now.contiguous();
        TensorMemory.SameBytes(contiguous, before).ShouldBeTrue(name);
    }
}
