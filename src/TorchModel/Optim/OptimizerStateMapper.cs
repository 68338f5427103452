using static TorchSharp.torch;
using TorchSharp;
using System.Collections;
using System.Collections.ObjectModel;
using System.Reflection;
using System.Runtime.CompilerServices;
using TorchSharp.Modules;

namespace TorchModel.Internal;

/// <summary>
/// The one conversion between a TorchSharp optimizer and PyTorch's <c>state_dict()</c> layout, driven by the
/// <see cref="OptimizerKinds"/> table. Loading validates everything, and converts every tensor, before it changes
/// the optimizer.
/// </summary>
internal static class OptimizerStateMapper
{
    /// <summary>The optimizer's groups with their parameters materialized once (TorchSharp keeps the caller's enumerable).</summary>
    public static List<(ParamGroup Group, List<Parameter> Parameters)> Groups(OptimizerHelper optimizer)
    {
        var groups = optimizer.ParamGroups.Cast<ParamGroup>().Select(static g => (g, g.Parameters.ToList())).ToList();
        int index = 0;
        foreach (var (_, parameters) in groups)
        {
            foreach (var parameter in parameters)
            {
                if (parameter is null || parameter.IsInvalid) throw Throw.OptimizerParameterDisposed(index);
                index++;
            }
        }
        return groups;
    }

    public static OptimizerHelper Helper(torch.optim.Optimizer optimizer, out OptimizerKind kind)
    {
        kind = OptimizerKinds.Of(optimizer.GetType()) ?? throw Throw.OptimizerNotMapped(optimizer.GetType());
        return (OptimizerHelper)optimizer;
    }

    public static OptimizerStateDict Save(OptimizerHelper optimizer, OptimizerKind kind)
    {
        var groups = Groups(optimizer);
        var states = optimizer.state_dict().State;
        var state = new OrderedDictionary<long, IReadOnlyDictionary<string, object?>>();
        var paramGroups = new List<OptimizerParamGroup>();
        long index = 0;
        try
        {
            foreach (var (group, parameters) in groups)
            {
                var options = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var key in kind.GroupKeys) options[key] = ReadOption(kind, group.Options, key);
                foreach (var extra in kind.Extras) options[extra.Name] = extra.Value;
                options["initial_lr"] = group.Options.InitialLearningRate;
                var ids = new List<long>(parameters.Count);
                foreach (var _ in parameters)
                {
                    if (ReadState(kind, states[(int)index]) is { } entry) state[index] = entry;
                    ids.Add(index++);
                }
                paramGroups.Add(new OptimizerParamGroup(new ReadOnlyDictionary<string, object?>(options), ids.AsReadOnly()));
            }
        }
        catch
        {
            new OptimizerStateDict(state, paramGroups).Dispose();
            throw;
        }
        return new OptimizerStateDict(new ReadOnlyDictionary<long, IReadOnlyDictionary<string, object?>>(state), paramGroups.AsReadOnly());
    }

    private static object? ReadOption(OptimizerKind kind, OptimizerOptions options, string key)
    {
        if (key == "lr") return options.LearningRate;
        var fields = OptimizerKind.FieldNames(key);
        if (fields.Count == 2)
            return ((double)kind.OptionField(fields[0]).GetValue(options)!, (double)kind.OptionField(fields[1]).GetValue(options)!);
        return kind.OptionField(key).GetValue(options);
    }

    private static IReadOnlyDictionary<string, object?>? ReadState(OptimizerKind kind, OptimizerState source)
    {
        var entry = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        if (kind.HasStep)
        {
            long step = (long)kind.StateField("step").GetValue(source)!;
            bool stepped = kind.CountsSteps
                ? step > 0
                : kind.State.Any(k => kind.StateField(k.Name).GetValue(source) is Tensor t && t.count_nonzero().item<long>() > 0);
            if (!stepped) return null; // never stepped: PyTorch has no entry either
            entry["step"] = torch.tensor((float)step, ScalarType.Float32);
        }
        foreach (var key in kind.State)
        {
            switch (kind.StateField(key.Name).GetValue(source))
            {
                case Tensor t:
                    entry[key.Name] = t.detach().clone().DetachFromDisposeScope();
                    break;
                case double d:
                    entry[key.Name] = torch.tensor((float)d, ScalarType.Float32);
                    break;
            }
        }
        return entry.Count == 0 ? null : new ReadOnlyDictionary<string, object?>(entry);
    }

    internal sealed record Plan(OptimizerState Target, int Group, List<(FieldInfo Field, object? Value)>? Values);

    public static void Load(OptimizerHelper optimizer, OptimizerKind kind, OptimizerStateDict source)
        => Prepare(optimizer, kind, source).Commit();

    /// <summary>A validated load whose tensors are converted: <see cref="Commit"/> applies it, <see cref="Abort"/> drops it.</summary>
    internal sealed class PreparedLoad(List<(ParamGroup Group, List<Parameter> Parameters)> groups, List<OptimizerOptions> staged, List<Plan> plans)
    {
        public void Commit()
        {
            for (int g = 0; g < groups.Count; g++) groups[g].Group.Options.LoadStateDict(staged[g]);
            foreach (var plan in plans)
            {
                if (plan.Values is null)
                {
                    plan.Target.Initialize(groups[plan.Group].Group.Options);
                    continue;
                }
                foreach (var (field, value) in plan.Values)
                {
                    var old = field.GetValue(plan.Target);
                    field.SetValue(plan.Target, value);
                    if (old is Tensor t && !ReferenceEquals(t, value)) t.Dispose();
                }
            }
        }

        public void Abort()
        {
            foreach (var plan in plans)
                foreach (var (_, value) in plan.Values ?? [])
                    (value as Tensor)?.Dispose();
        }
    }

    /// <summary>Validates the state against the optimizer and converts every tensor, changing nothing.</summary>
    public static PreparedLoad Prepare(OptimizerHelper optimizer, OptimizerKind kind, OptimizerStateDict source)
    {
        var groups = Groups(optimizer);
        var incoming = source.ParamGroups;
        if (incoming.Count != groups.Count) throw Throw.GroupCount(kind.Name, groups.Count, incoming.Count);
        var firstStateKeys = source.State.Values.FirstOrDefault()?.Keys ?? [];
        for (int g = 0; g < groups.Count; g++)
        {
            foreach (var key in kind.RequiredGroupKeys)
                if (!incoming[g].Options.ContainsKey(key))
                    throw Throw.WrongKind(kind.Name, $"param_groups[{g}]", key, OptimizerKinds.Guess(incoming[g].Options.Keys, firstStateKeys));
        }
        for (int g = 0; g < groups.Count; g++)
            if (incoming[g].Params.Count != groups[g].Parameters.Count) throw Throw.GroupSize(kind.Name, g, groups[g].Parameters.Count, incoming[g].Params.Count);

        var positions = new Dictionary<long, int>();
        for (int g = 0, global = 0; g < groups.Count; g++)
            foreach (var index in incoming[g].Params)
                if (!positions.TryAdd(index, global++)) throw Throw.DuplicateIndex(index);
        foreach (var index in source.State.Keys)
            if (!positions.ContainsKey(index)) throw Throw.UnknownStateIndex(index);

        var staged = new List<OptimizerOptions>(groups.Count);
        for (int g = 0; g < groups.Count; g++) staged.Add(StageOptions(kind, g, groups[g].Group.Options, incoming[g].Options));

        var states = optimizer.state_dict().State;
        var plans = new List<Plan>(states.Count);
        try
        {
            for (int g = 0, global = 0; g < groups.Count; g++)
            {
                for (int j = 0; j < groups[g].Parameters.Count; j++, global++)
                {
                    long index = incoming[g].Params[j];
                    var target = states[positions[index]];
                    var parameter = groups[g].Parameters[j];
                    var values = source.State.TryGetValue(index, out var entry) ? StageState(kind, index, entry, staged[g], incoming[g].Options.Keys, parameter) : null;
                    plans.Add(new Plan(target, g, values));
                }
            }
        }
        catch
        {
            foreach (var plan in plans)
                foreach (var (_, value) in plan.Values ?? [])
                    (value as Tensor)?.Dispose();
            throw;
        }

        return new PreparedLoad(groups, staged, plans);
    }

    private static OptimizerOptions StageOptions(OptimizerKind kind, int g, OptimizerOptions current, IReadOnlyDictionary<string, object?> options)
    {
        var where = $"param_groups[{g}]";
        var staged = kind.NewOptions();
        staged.LoadStateDict(current);
        foreach (var key in kind.GroupKeys)
        {
            if (!options.TryGetValue(key, out var value)) continue; // only maximize may be absent (checked before)
            if (key == "lr")
            {
                staged.LearningRate = Number(where, key, value);
                continue;
            }
            var fields = OptimizerKind.FieldNames(key);
            if (fields.Count == 2)
            {
                var items = value switch
                {
                    ITuple t => Enumerable.Range(0, t.Length).Select(i => t[i]).ToList(),
                    IEnumerable e and not string => e.Cast<object?>().ToList(),
                    _ => null,
                };
                if (items is not { Count: 2 }) throw Throw.BadValue(where, key, value, "a pair of numbers");
                kind.OptionField(fields[0]).SetValue(staged, Number(where, key, items[0]));
                kind.OptionField(fields[1]).SetValue(staged, Number(where, key, items[1]));
                continue;
            }
            var field = kind.OptionField(key);
            if (field.FieldType == typeof(bool?)) field.SetValue(staged, value is bool b ? b : throw Throw.BadValue(where, key, value, "True or False"));
            else field.SetValue(staged, Number(where, key, value));
        }
        foreach (var extra in kind.Extras)
        {
            if (extra.MustMatch && options.TryGetValue(extra.Name, out var value) && !Equals(value, extra.Value))
                throw Throw.UnsupportedOption(kind.Name, g, extra.Name, value, extra.Value);
        }
        staged.InitialLearningRate = options.TryGetValue("initial_lr", out var initial) && initial is not null
            ? Number(where, "initial_lr", initial)
            : staged.LearningRate!.Value;
        return staged;
    }

    private static List<(FieldInfo, object?)> StageState(OptimizerKind kind, long index, IReadOnlyDictionary<string, object?> entry, OptimizerOptions options, IEnumerable<string> groupKeys, Parameter parameter)
    {
        var where = $"state[{index}]";
        foreach (var key in entry.Keys)
        {
            if ((key == "step" && kind.HasStep) || kind.State.Any(k => k.Name == key)) continue;
            var guesses = OptimizerKinds.Guess(groupKeys, entry.Keys);
            throw guesses.Count > 0 && !guesses.Contains(kind.Name)
                ? Throw.WrongKind(kind.Name, where, kind.State.First(k => !entry.ContainsKey(k.Name)).Name, guesses)
                : Throw.UnexpectedStateKey(kind.Name, index, key);
        }
        var values = new List<(FieldInfo, object?)>();
        try
        {
            if (kind.HasStep)
            {
                if (!entry.TryGetValue("step", out var step) || step is null) throw Throw.MissingStep(kind.Name, index);
                double value = Number(where, "step", step);
                if (value < 0 || value != Math.Floor(value) || value > long.MaxValue) throw Throw.BadValue(where, "step", step, "a whole number >= 0");
                values.Add((kind.StateField("step"), (long)value));
            }
            foreach (var key in kind.State)
            {
                var field = kind.StateField(key.Name);
                entry.TryGetValue(key.Name, out var value);
                if (field.FieldType == typeof(double))
                {
                    if (value is null) throw Throw.MissingStateKey(kind.Name, index, key.Name, null);
                    values.Add((field, Number(where, key.Name, value)));
                    continue;
                }
                if (value is null)
                {
                    bool required = key.Presence switch
                    {
                        StatePresence.Always => true,
                        StatePresence.WhenOption => Truthy(kind.OptionField(key.Option!).GetValue(options)),
                        _ => false,
                    };
                    if (required)
                        throw Throw.MissingStateKey(kind.Name, index, key.Name, key.Option is null ? null : $"its group has {key.Option} set");
                    values.Add((field, null));
                    continue;
                }
                if (value is not Tensor tensor) throw Throw.BadValue(where, key.Name, value, "a floating-point tensor");
                if (!(tensor.is_floating_point() || tensor.is_complex())) throw Throw.BadValue(where, key.Name, value, "a floating-point tensor");
                if (!tensor.shape.SequenceEqual(parameter.shape))
                    throw Throw.StateShape(kind.Name, index, key.Name, tensor.shape, parameter.shape);
                values.Add((field, tensor.detach().to(parameter.dtype, parameter.device, copy: true).DetachFromDisposeScope()));
            }
        }
        catch
        {
            foreach (var (_, value) in values) (value as Tensor)?.Dispose();
            throw;
        }
        return values;
    }

    private static bool Truthy(object? value) => value switch
    {
        bool b => b,
        double d => d != 0,
        _ => false,
    };

    /// <summary>Reads a number: a Python int or float, or a one-element tensor (PyTorch 2.x's <c>step</c>).</summary>
    private static double Number(string where, string key, object? value) => value switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        Tensor t when t.numel() == 1 && !t.is_complex() && t.dtype != ScalarType.Bool => t.to(ScalarType.Float64).item<double>(),
        _ => throw Throw.BadValue(where, key, value, "a number"),
    };
}
