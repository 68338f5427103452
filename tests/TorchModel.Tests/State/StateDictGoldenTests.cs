using System.Text.Json;
using TorchModel.Tests.Infrastructure;
using TorchModel.Tests.Models;

namespace TorchModel.Tests.State;

/// <summary>StateDict and LoadStateDict against real PyTorch (Golden/state.json, written by gen_state.py).</summary>
public class StateDictGoldenTests
{
    [Theory]
    [MemberData(nameof(StateGolden.AllModels), MemberType = typeof(StateGolden))]
    public void StateDict_KeysShapesAndDtypesInOrder_MatchPyTorch(string model)
    {
        using var m = GoldenModels.Create(model);
        using var sd = m.StateDict();
        var golden = StateGolden.Of(model).GetProperty("state_dict");
        sd.Select(kv => $"{kv.Key} {string.Join(",", kv.Value.shape)} {StateGolden.DType(kv.Value)}")
            .ShouldBe(golden.EnumerateArray().Select(e => $"{e.GetProperty("name").GetString()} {string.Join(",", e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()))} {e.GetProperty("dtype").GetString()}"));
    }

    [Theory]
    [MemberData(nameof(StateGolden.AllModels), MemberType = typeof(StateGolden))]
    public void StateDict_WithPrefix_MatchesPyTorch(string model)
    {
        using var m = GoldenModels.Create(model);
        using var sd = m.StateDict(prefix: "model.");
        sd.Keys.ShouldBe(StateGolden.Of(model).GetProperty("state_dict_prefix").EnumerateArray().Select(e => e.GetString()!));
    }

    [Theory]
    [MemberData(nameof(StateGolden.AllModels), MemberType = typeof(StateGolden))]
    public void StateDict_KeepVars_HoldsParametersWherePyTorchDoes(string model)
    {
        using var m = GoldenModels.Create(model);
        using var kept = m.StateDict(keepVars: true);
        using var detached = m.StateDict();
        var golden = StateGolden.Of(model);
        kept.Where(kv => kv.Value is Parameter).Select(kv => kv.Key)
            .ShouldBe(golden.GetProperty("keep_vars_parameters").EnumerateArray().Select(e => e.GetString()!));
        detached.Values.Any(v => v.requires_grad).ShouldBe(golden.GetProperty("detached_requires_grad").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(StateGolden.AllModels), MemberType = typeof(StateGolden))]
    public void LoadStateDict_GenericBadLoads_MatchPyTorchErrorsAndResults(string model)
    {
        using var m = GoldenModels.Create(model);
        using var sd = m.StateDict();
        var created = new List<Tensor>();
        try
        {
            var cases = StateGolden.BadLoads(sd, created);
            var golden = StateGolden.Of(model).GetProperty("loads").EnumerateArray().ToList();
            var expected = golden.Select(g => $"{g.GetProperty("case").GetString()}/{g.GetProperty("strict").GetBoolean()}");
            cases.SelectMany(c => new[] { $"{c.Case}/True", $"{c.Case}/False" }).ShouldBe(expected);

            int i = 0;
            foreach (var (name, entries) in cases)
            {
                using var input = new StateDict(entries);
                foreach (bool strict in new[] { true, false })
                {
                    Check(golden[i++], () => m.LoadStateDict(input, strict), $"{model}/{name}/strict={strict}");
                }
            }
        }
        finally
        {
            foreach (var t in created) t.Dispose();
        }
    }

    private static void Check(JsonElement golden, Func<IncompatibleKeys> load, string label)
    {
        if (golden.TryGetProperty("error", out var error))
        {
            var ex = Should.Throw<StateDictLoadException>(load, label);
            ex.Message.ShouldBe(error.GetString(), label);
            return;
        }
        var result = load();
        result.ToString().ShouldBe(golden.GetProperty("result").GetString(), label);
        result.MissingKeys.ShouldBe(golden.GetProperty("missing").EnumerateArray().Select(e => e.GetString()!), label);
        result.UnexpectedKeys.ShouldBe(golden.GetProperty("unexpected").EnumerateArray().Select(e => e.GetString()!), label);
    }
}
