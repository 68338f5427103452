using System.Text.Json;

namespace TorchModel.Tests.Infrastructure;

/// <summary>Access to state.json, and the C# mirror of gen_state.py's bad_loads() recipes.</summary>
public static class StateGolden
{
    public static JsonElement Of(string model) => Golden.Load("state.json").GetProperty(model);

    public static IEnumerable<object[]> AllModels()
        => Golden.Entries("state.json").Select(p => new object[] { p.Name });

    public static string DType(Tensor t) => "torch." + t.dtype.ToString().ToLowerInvariant();

    private static string Owner(string key) => key.Contains('.') ? key[..key.LastIndexOf('.')] : "";

    private static string Under(string path, string name) => path.Length > 0 ? path + "." + name : name;

    /// <summary>The recipes of gen_state.py's bad_loads(), applied to a state dict; tensors created here go to <paramref name="created"/>.</summary>
    public static List<(string Case, List<KeyValuePair<string, Tensor>> Entries)> BadLoads(StateDict sd, List<Tensor> created)
    {
        Tensor Keep(Tensor t) { created.Add(t); return t; }
        Tensor Mismatched(Tensor t)
        {
            var shape = t.shape.Length > 0 ? t.shape.Select((d, i) => i == 0 ? d + 1 : d).ToArray() : new long[] { 2 };
            return Keep(torch.zeros(shape, dtype: t.dtype));
        }
        KeyValuePair<string, Tensor> Kv(string key, Tensor value) => new(key, value);

        var keys = sd.Keys;
        var items = sd.ToList();
        var cases = new List<(string, List<KeyValuePair<string, Tensor>>)> { ("same", items.ToList()) };
        if (keys.Count >= 2) cases.Add(("drop_second", items.Where(kv => kv.Key != keys[1]).ToList()));
        var extras = new List<KeyValuePair<string, Tensor>>
        {
            Kv(Under(Owner(keys[^1]), "zz"), Keep(torch.zeros(1))),
            Kv("bogus.weight", Keep(torch.zeros(1))),
            Kv(keys[0] + ".extra", Keep(torch.zeros(1))),
            Kv("aa", Keep(torch.zeros(1))),
        };
        if (Owner(keys[0]).Length > 0) extras.Add(Kv(Owner(keys[0]).Split('.')[0], Keep(torch.zeros(1))));
        if (Under(Owner(keys[0]), "zz") != extras[0].Key) extras.Add(Kv(Under(Owner(keys[0]), "zz"), Keep(torch.zeros(1))));
        cases.Add(("unexpected", items.Concat(extras).ToList()));
        string firstShaped = keys.First(k => sd[k].dim() >= 1);
        cases.Add(("size_mismatch", items.Select(kv => kv.Key == firstShaped ? Kv(kv.Key, Mismatched(kv.Value)) : kv).ToList()));
        string? broadcastable = keys.FirstOrDefault(k => sd[k].dim() == 1 && sd[k].shape[0] > 1);
        if (broadcastable is not null)
            cases.Add(("broadcastable", items.Select(kv => kv.Key == broadcastable ? Kv(kv.Key, Keep(torch.zeros(new long[] { 1 }, dtype: kv.Value.dtype))) : kv).ToList()));
        string? scalar = keys.FirstOrDefault(k => sd[k].dim() == 0);
        if (scalar is not null)
            cases.Add(("scalar_as_1d", items.Select(kv => kv.Key == scalar ? Kv(kv.Key, Keep(kv.Value.reshape(1))) : kv).ToList()));
        string lastShaped = keys.Last(k => sd[k].dim() >= 1);
        var everything = items
            .Where(kv => keys.Count < 2 || kv.Key != keys[1])
            .Select(kv => kv.Key == firstShaped || kv.Key == lastShaped ? Kv(kv.Key, Mismatched(kv.Value)) : kv);
        cases.Add(("everything", everything.Concat(extras).ToList()));
        return cases;
    }
}
