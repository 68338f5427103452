using System.Text.Json;
using TorchModel.Internal;
using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;
using static TorchSharp.torch.nn;

namespace TorchModel.Tests.Core;

/// <summary>The children libtorch keeps inside TorchSharp's native layers, compared with PyTorch's module trees
/// (Golden/gen_transformers.py: NativeZoo holds every native layer type with children; Gpt and Bert are whole models).</summary>
public class NativeChildrenTests
{
    public static TheoryData<string> Models() => new() { "NativeZoo", "Gpt", "Bert" };

    private static JsonElement Golden(string model) => Infrastructure.Golden.Load("transformers.json").GetProperty("traversal").GetProperty(model);

    private static string[] Pairs(IEnumerable<(string Name, Module Module)> modules)
        => modules.Select(x => $"{x.Name}: {PythonNames.ClassName(x.Module)}").ToArray();

    private static string[] Shaped<T>(IEnumerable<(string Name, T Tensor)> tensors) where T : Tensor
        => tensors.Select(x => $"{x.Name} {string.Join(",", x.Tensor.shape)}").ToArray();

    [Theory]
    [MemberData(nameof(Models))]
    public void ModuleWalks_MatchPyTorch(string model)
    {
        using var m = TransformerModels.Create(model);
        var golden = Golden(model);
        Pairs(m.NamedModules()).ShouldBe(golden.GetProperty("named_modules").Pairs());
        Pairs(m.NamedModules(removeDuplicate: false)).ShouldBe(golden.GetProperty("named_modules_all").Pairs());
        Pairs(m.NamedModules(prefix: "model")).ShouldBe(golden.GetProperty("named_modules_prefix").Pairs());
        Pairs(m.NamedChildren()).ShouldBe(golden.GetProperty("named_children").Pairs());
        m.Modules().Select(PythonNames.ClassName).ShouldBe(golden.GetProperty("named_modules").Names("type"));
        m.Children().Select(PythonNames.ClassName).ShouldBe(golden.GetProperty("named_children").Names("type"));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ParameterWalks_MatchPyTorch(string model)
    {
        using var m = TransformerModels.Create(model);
        var golden = Golden(model);
        Shaped(m.NamedParameters()).ShouldBe(golden.GetProperty("named_parameters").ShapedNames());
        Shaped(m.NamedParameters(prefix: "model")).ShouldBe(golden.GetProperty("named_parameters_prefix").ShapedNames());
        Shaped(m.NamedParameters(recurse: false)).ShouldBe(golden.GetProperty("named_parameters_no_recurse").ShapedNames());
        Shaped(m.NamedParameters(removeDuplicate: false)).ShouldBe(golden.GetProperty("named_parameters_all").ShapedNames());
        Shaped(m.NamedBuffers(removeDuplicate: false)).ShouldBe(golden.GetProperty("named_buffers_all").ShapedNames());
        m.CountParameters().Total.ShouldBe(golden.GetProperty("total_params").GetInt64());
        m.StateDict().Keys.ShouldBe(golden.GetProperty("named_parameters_all").Names().Concat(golden.GetProperty("named_buffers_all").Names()));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Lookups_ReturnWhatPyTorchReturns(string model)
    {
        using var m = TransformerModels.Create(model);
        var failures = new List<string>();
        foreach (var c in Golden(model).GetProperty("lookups").EnumerateArray())
        {
            string kind = c.GetProperty("kind").GetString()!;
            string target = c.GetProperty("target").GetString()!;
            string expected = c.TryGetProperty("error", out var error) ? "error: " + error.GetString()
                : c.TryGetProperty("type", out var type) ? "module: " + type.GetString()
                : "tensor: " + string.Join(",", c.GetProperty("shape").Longs());
            string actual;
            try
            {
                actual = kind switch
                {
                    "submodule" => "module: " + PythonNames.ClassName(m.GetSubmodule(target)),
                    "parameter" => "tensor: " + string.Join(",", m.GetParameter(target).shape),
                    _ => "tensor: " + string.Join(",", m.GetBuffer(target).shape),
                };
            }
            catch (ModuleAttributeException e)
            {
                actual = "error: " + e.Message;
            }
            if (actual != expected) failures.Add($"{kind}({target}): expected [{expected}] got [{actual}]");
        }
        failures.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ModulePatterns_MatchPyTorchNames(string model)
    {
        using var m = TransformerModels.Create(model);
        foreach (var c in Infrastructure.Golden.Load("transformers.json").GetProperty("patterns").GetProperty(model).EnumerateArray())
        {
            string pattern = c.GetProperty("pattern").GetString()!;
            m.NamedModules().Matching(pattern).Select(x => x.Name)
                .ShouldBe(c.GetProperty("modules").EnumerateArray().Select(e => e.GetString()!), pattern);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FreezingMatchedModules_LeavesWhatPyTorchLeavesTrainable(string model)
    {
        foreach (var entry in Infrastructure.Golden.Load("transformers.json").GetProperty("freeze_trainable").GetProperty(model).EnumerateObject())
        {
            using var m = TransformerModels.Create(model);
            foreach (var (_, module) in m.NamedModules().Matching(entry.Name).ToList()) module.RequiresGrad(false);
            m.NamedParameters().Trainable().Select(x => x.Name).ShouldBe(entry.Value.EnumerateArray().Select(e => e.GetString()!), entry.Name);
        }
    }

    [Fact]
    public void NativeChildren_AreTheSameObjectsOnEveryWalkAndLookup()
    {
        using var model = new NativeZoo();
        var first = model.NamedModules().ToList();
        var second = model.NamedModules().ToList();
        for (int i = 0; i < first.Count; i++) second[i].Module.ShouldBeSameAs(first[i].Module);
        foreach (var (name, module) in first) model.GetSubmodule(name).ShouldBeSameAs(module);
        var outProj = model.GetSubmodule("enc_layer.self_attn.out_proj");
        outProj.NamedParameters().Select(x => x.Name).ShouldBe(["weight", "bias"]);
        outProj.NamedParameters().First().Parameter.ShouldBeSameAs(model.GetParameter("enc_layer.self_attn.out_proj.weight"));
    }

    [Fact]
    public void NativeChildParameters_AreTheModelsTensors_SoFreezingThemFreezesTheModel()
    {
        using var layer = TransformerEncoderLayer(8, 2, 16);
        layer.GetSubmodule("self_attn").RequiresGrad(false);
        layer.named_parameters().Where(x => !x.parameter.requires_grad).Select(x => x.name)
            .ShouldBe(["self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias"]);
        layer.Freeze("**.norm1.*").NamedParameters().Frozen().Select(x => x.Name)
            .ShouldBe(["self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias", "norm1.weight", "norm1.bias"]);
    }

    [Fact]
    public void NativeChild_TrainFlag_FollowsItsLayer()
    {
        using var layer = TransformerEncoderLayer(8, 2, 16);
        var dropout = layer.GetSubmodule("dropout");
        layer.eval();
        dropout.training.ShouldBeFalse();
        layer.train();
        dropout.training.ShouldBeTrue();
    }

    [Fact]
    public void NativeChild_CannotBeCalled_AndSaysWhy()
    {
        using var layer = TransformerEncoderLayer(8, 2, 16);
        var linear = (nn.Module<Tensor, Tensor>)layer.GetSubmodule("linear1");
        using var x = torch.zeros(1, 8);
        Should.Throw<NotSupportedException>(() => linear.call(x)).Message
            .ShouldBe("Linear 'linear1' is a module libtorch keeps inside TransformerEncoderLayer; it runs within TransformerEncoderLayer's native forward and cannot be called from .NET. Call the TransformerEncoderLayer instead.");
    }

    [Fact]
    public void NativeLayersWithoutChildren_KeepTheirParameters()
    {
        using var lstm = LSTM(4, 4);
        lstm.NamedModules().Count().ShouldBe(1);
        lstm.NamedParameters().Select(x => x.Name).ShouldBe(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]);
    }
}
