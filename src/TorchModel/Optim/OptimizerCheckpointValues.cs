using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;

namespace TorchModel.Internal;

/// <summary>Converts between <see cref="OptimizerStateDict"/> and the torch.save object tree (read:
/// <see cref="CheckpointValue"/>; written: the dictionaries, lists and tuples <see cref="PyTorchCheckpoint.Save(object?, string)"/> takes).</summary>
internal static class OptimizerCheckpointValues
{
    /// <summary>Reads an <c>optimizer.state_dict()</c> value; its tensors stay owned by the tree.</summary>
    public static OptimizerStateDict Read(CheckpointValue value, string where)
    {
        if (!value.IsDict) throw Throw.NotAnOptimizerState(where, "it is " + value.Kind, []);
        var dict = value.AsDict();
        if (!dict.TryGetValue("state", out var stateValue) || !dict.TryGetValue("param_groups", out var groupsValue) || !stateValue.IsDict || !groupsValue.IsList)
            throw Throw.NotAnOptimizerState(where, "it needs a dict 'state' and a list 'param_groups'", dict.Keys.Select(static k => k.ToString()));
        var state = new OrderedDictionary<long, IReadOnlyDictionary<string, object?>>();
        foreach (var (key, entry) in stateValue.AsDict())
        {
            if (!key.IsInt || !entry.IsDict) throw Throw.NotAnOptimizerState(where, $"state key {key} is not an int with a dict of values", []);
            var values = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (name, item) in entry.AsDict())
            {
                if (!name.IsString) throw Throw.NotAnOptimizerState(where, $"state[{key}] has the non-string key {name}", []);
                values[name.AsString()] = Plain(item);
            }
            state[key.AsInt64()] = values;
        }
        var groups = new List<OptimizerParamGroup>();
        foreach (var group in groupsValue.AsList())
        {
            if (!group.IsDict) throw Throw.NotAnOptimizerState(where, "a param_groups item is not a dict", []);
            var options = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            IReadOnlyList<long>? ids = null;
            foreach (var (name, item) in group.AsDict())
            {
                if (!name.IsString) throw Throw.NotAnOptimizerState(where, $"a param group has the non-string key {name}", []);
                if (name.AsString() == "params")
                {
                    if (!(item.IsList || item.IsTuple) || item.AsList().Any(static v => !v.IsInt))
                        throw Throw.NotAnOptimizerState(where, "a param group's 'params' is not a list of ints", []);
                    ids = item.AsList().Select(static v => v.AsInt64()).ToList().AsReadOnly();
                }
                else options[name.AsString()] = Plain(item);
            }
            groups.Add(new OptimizerParamGroup(options, ids ?? throw Throw.NotAnOptimizerState(where, "a param group has no 'params'", [])));
        }
        return new OptimizerStateDict(state, groups.AsReadOnly());
    }

    /// <summary>A value of the tree as the plain .NET value <see cref="OptimizerStateDict"/> holds.</summary>
    private static object? Plain(CheckpointValue v) => v.Kind switch
    {
        CheckpointValueKind.None => null,
        CheckpointValueKind.Bool => v.AsBool(),
        CheckpointValueKind.Int => v.AsInt64(),
        CheckpointValueKind.Float => v.AsDouble(),
        CheckpointValueKind.String => v.AsString(),
        CheckpointValueKind.Tensor => v.AsTensor(),
        CheckpointValueKind.Tuple when v.Count == 2 && v.AsList().All(static x => x.IsNumber) => (v.AsList()[0].AsDouble(), v.AsList()[1].AsDouble()),
        CheckpointValueKind.Tuple or CheckpointValueKind.List => new ReadOnlyCollection<object?>(v.AsList().Select(Plain).ToList()),
        _ => v,
    };

    /// <summary>The state as the nested dictionaries torch.save writes: a dict with int keys for "state", a list of dicts
    /// for "param_groups", tuples as tuples.</summary>
    public static object Write(OptimizerStateDict state)
    {
        var entries = new OrderedDictionary<long, object?>();
        foreach (var (index, entry) in state.State)
        {
            var values = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in entry) values[key] = value;
            entries[index] = values;
        }
        var groups = new List<object?>();
        foreach (var group in state.ParamGroups)
        {
            var options = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in group.Options) options[key] = value is ITuple or string ? value : value is IReadOnlyList<object?> list ? list.ToList() : value;
            options["params"] = group.Params.Cast<object?>().ToList();
            groups.Add(options);
        }
        return new OrderedDictionary<string, object?>(StringComparer.Ordinal) { ["state"] = entries, ["param_groups"] = groups };
    }
}
