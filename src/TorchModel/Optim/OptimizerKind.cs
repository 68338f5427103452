using System.Reflection;
using TorchSharp.Modules;

namespace TorchModel.Internal;

/// <summary>
/// One row of the optimizer table: how a TorchSharp optimizer's parameter groups and per-parameter state map to its
/// PyTorch twin's <c>state_dict()</c>. Everything is data; the one mapping algorithm lives in
/// <see cref="OptimizerStateMapper"/> and reads TorchSharp's public <c>Options</c> and <c>State</c> fields by the PyTorch
/// key names (TorchSharp names them as PyTorch does, except the pairs in <see cref="Pairs"/> and <c>lr</c>).
/// </summary>
internal sealed class OptimizerKind
{
    /// <summary>PyTorch's tuple-valued group keys and the TorchSharp option fields that hold their two items.</summary>
    public static readonly IReadOnlyDictionary<string, (string First, string Second)> Pairs = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["betas"] = ("beta1", "beta2"),
        ["etas"] = ("etaminus", "etaplus"),
        ["step_sizes"] = ("min_step", "max_step"),
    };

    public OptimizerKind(string name, Type optimizerType, string[] groupKeys, ExtraGroupKey[] extras, StateKey[] state, bool hasStep, bool countsSteps = true)
    {
        CountsSteps = countsSteps;
        Name = name;
        OptimizerType = optimizerType;
        OptionsType = optimizerType.GetNestedType("Options") ?? throw Throw.TorchSharpOptimizerShape(optimizerType, "class Options");
        StateType = optimizerType.GetNestedType("State") ?? throw Throw.TorchSharpOptimizerShape(optimizerType, "class State");
        GroupType = optimizerType.GetNestedType("ParamGroup") ?? throw Throw.TorchSharpOptimizerShape(optimizerType, "class ParamGroup");
        GroupKeys = groupKeys;
        Extras = extras;
        State = state;
        HasStep = hasStep;
        foreach (var key in groupKeys)
        {
            if (key == "lr") continue;
            foreach (var field in FieldNames(key))
                _ = OptionField(field);
        }
        foreach (var key in state) _ = StateField(key.Name);
        if (hasStep) _ = StateField("step");
    }

    /// <summary>Gets PyTorch's class name (<c>torch.optim.Adam</c> is "Adam").</summary>
    public string Name { get; }

    /// <summary>Gets the TorchSharp optimizer class.</summary>
    public Type OptimizerType { get; }

    /// <summary>Gets the TorchSharp <c>Options</c> class (per-group hyper-parameters).</summary>
    public Type OptionsType { get; }

    /// <summary>Gets the TorchSharp per-parameter <c>State</c> class.</summary>
    public Type StateType { get; }

    /// <summary>Gets the TorchSharp <c>ParamGroup</c> class.</summary>
    public Type GroupType { get; }

    /// <summary>Gets whether TorchSharp's <c>step()</c> advances the state's <c>step</c>. TorchSharp 0.107's Adadelta never
    /// does (PyTorch's Adadelta counts it but does not use it in the update): its state is written when a moment is
    /// non-zero, with the step it holds.</summary>
    public bool CountsSteps { get; }

    /// <summary>Gets PyTorch's group keys that TorchSharp holds, in PyTorch's order (<c>params</c> excluded).</summary>
    public IReadOnlyList<string> GroupKeys { get; }

    /// <summary>Gets PyTorch's group keys TorchSharp does not hold, written after <see cref="GroupKeys"/>.</summary>
    public IReadOnlyList<ExtraGroupKey> Extras { get; }

    /// <summary>Gets the state keys besides <c>step</c>, in PyTorch's order.</summary>
    public IReadOnlyList<StateKey> State { get; }

    /// <summary>Gets whether the per-parameter state has PyTorch's <c>step</c> (all but SGD).</summary>
    public bool HasStep { get; }

    /// <summary>Gets the group keys a state must carry to be this optimizer's (<c>maximize</c> was missing in some releases).</summary>
    public IEnumerable<string> RequiredGroupKeys => GroupKeys.Where(static k => k != "maximize");

    /// <summary>Gets the TorchSharp option fields that hold a PyTorch group key.</summary>
    public static IReadOnlyList<string> FieldNames(string key)
        => Pairs.TryGetValue(key, out var pair) ? [pair.First, pair.Second] : [key];

    public FieldInfo OptionField(string name)
        => OptionsType.GetField(name, BindingFlags.Public | BindingFlags.Instance)
           ?? throw Throw.TorchSharpOptimizerShape(OptimizerType, $"field Options.{name}");

    public FieldInfo StateField(string name)
        => StateType.GetField(name, BindingFlags.Public | BindingFlags.Instance)
           ?? throw Throw.TorchSharpOptimizerShape(OptimizerType, $"field State.{name}");

    /// <summary>Gets whether this optimizer's options have a weight decay (PyTorch's Rprop has none).</summary>
    public bool HasWeightDecay => GroupKeys.Contains("weight_decay");

    /// <summary>Creates an empty TorchSharp <c>Options</c> of this optimizer.</summary>
    public OptimizerOptions NewOptions() => (OptimizerOptions)Activator.CreateInstance(OptionsType)!;

    /// <summary>Creates a TorchSharp <c>ParamGroup</c> of this optimizer over the parameters with the options.</summary>
    public ParamGroup NewGroup(IEnumerable<Parameter> parameters, OptimizerOptions options)
    {
        var group = (ParamGroup)Activator.CreateInstance(GroupType)!;
        group.Parameters = parameters;
        group.Options = options;
        return group;
    }
}
