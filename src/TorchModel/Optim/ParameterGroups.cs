using TorchModel.Internal;
using AdamW = TorchSharp.Modules.AdamW;
using SGD = TorchSharp.Modules.SGD;

namespace TorchModel;

/// <summary>
/// Optimizer parameter groups built from a model's parameter names, ready for TorchSharp's <c>AdamW</c> and <c>SGD</c>.
/// </summary>
/// <remarks>
/// <para><b>Move first, then build groups.</b> TorchSharp's <c>Module.to(device)</c> and <c>to(dtype)</c> replace the
/// model's <see cref="Parameter"/> objects (PyTorch changes them in place), so groups built before a move point at
/// tensors the model no longer uses. <see cref="EnsureValid"/>, which <see cref="ForAdamW"/> and <see cref="ForSGD"/>
/// call, detects this and throws instead of training tensors that are not the model's.</para>
/// <para>Equivalent to PyTorch's list of <c>{"params": [...], "weight_decay": ..., "lr": ...}</c> dictionaries.</para>
/// </remarks>
public sealed class ParameterGroups
{
    private readonly Module _model;

    internal ParameterGroups(Module model, IReadOnlyList<ParameterGroup> groups)
    {
        _model = model;
        Groups = groups;
    }

    /// <summary>Gets the groups, in order of their first parameter in <c>NamedParameters()</c>; empty groups are left out.</summary>
    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>Describes every group, one per line.</summary>
    /// <returns>E.g. <c>ParameterGroups(2 groups)</c> followed by one <see cref="ParameterGroup.ToString"/> line per group.</returns>
    public override string ToString()
        => $"ParameterGroups({Groups.Count} group{(Groups.Count == 1 ? "" : "s")})" + string.Concat(Groups.Select(static g => "\n  " + g));

    /// <summary>Checks that every grouped parameter is still the model's parameter of that name.</summary>
    /// <exception cref="InvalidOperationException">A grouped parameter was disposed or replaced, typically by
    /// <c>model.to(device)</c> after the groups were built; the message names the parameter.</exception>
    /// <remarks>Equivalent to nothing in PyTorch, where <c>.to()</c> keeps parameter objects.</remarks>
    public void EnsureValid()
    {
        var current = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var (name, parameter) in ModuleWalker.Parameters(_model, "", recurse: true, removeDuplicate: true))
            current[name] = parameter;
        foreach (var group in Groups)
        {
            foreach (var (name, parameter) in group.Parameters)
            {
                if (parameter.IsInvalid || !current.TryGetValue(name, out var now) || now.IsInvalid
                    || TensorIdentity.Of(now) != TensorIdentity.Of(parameter))
                    throw Throw.StaleParameterGroup(name);
            }
        }
    }

    /// <summary>Creates TorchSharp parameter groups of any mapped optimizer for these groups.</summary>
    /// <typeparam name="TGroup">The optimizer's <c>ParamGroup</c> class: <c>Adam.ParamGroup</c>, <c>AdamW.ParamGroup</c>,
    /// <c>SGD.ParamGroup</c>, <c>RMSProp.ParamGroup</c>, <c>Adagrad.ParamGroup</c>, <c>Adamax.ParamGroup</c>,
    /// <c>NAdam.ParamGroup</c>, <c>RAdam.ParamGroup</c>, <c>Adadelta.ParamGroup</c>, <c>ASGD.ParamGroup</c> or
    /// <c>Rprop.ParamGroup</c> (namespace <c>TorchSharp.Modules</c>).</typeparam>
    /// <param name="configure">Sets further per-group options of that optimizer (betas, momentum, eps, ...) on each new
    /// group, given the group it was made from; options left unset come from the optimizer's arguments.</param>
    /// <returns>A new list of groups to pass to the optimizer, e.g. <c>torch.optim.Adam(groups.For&lt;Adam.ParamGroup&gt;(), lr: 1e-3)</c>.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="TGroup"/> is not the group class of a mapped optimizer.</exception>
    /// <exception cref="InvalidOperationException">The groups are stale (see <see cref="EnsureValid"/>), or a group has
    /// weight decay and the optimizer has none (Rprop).</exception>
    /// <remarks>Equivalent to passing PyTorch's list of group dictionaries (<c>{"params": ..., "lr": ..., "weight_decay": ...}</c>)
    /// to the optimizer. Each call creates new TorchSharp groups (an optimizer mutates its groups' options).</remarks>
    public IReadOnlyList<TGroup> For<TGroup>(Action<ParameterGroup, TGroup>? configure = null)
        where TGroup : TorchSharp.Modules.ParamGroup
    {
        var kind = OptimizerKinds.OfGroup(typeof(TGroup)) ?? throw Throw.GroupTypeNotMapped(typeof(TGroup), nameof(TGroup));
        EnsureValid();
        var result = new List<TGroup>(Groups.Count);
        for (int i = 0; i < Groups.Count; i++)
        {
            var g = Groups[i];
            var options = kind.NewOptions();
            options.LearningRate = g.LearningRate;
            if (kind.HasWeightDecay) kind.OptionField("weight_decay").SetValue(options, g.WeightDecay);
            else if (g.WeightDecay != 0) throw Throw.NoWeightDecay(kind.Name, i, g.WeightDecay);
            var group = (TGroup)kind.NewGroup(g.Parameters.Select(static x => x.Parameter).ToList(), options);
            configure?.Invoke(g, group);
            result.Add(group);
        }
        return result.AsReadOnly();
    }

    /// <summary>Creates TorchSharp AdamW parameter groups for these groups.</summary>
    /// <returns>A new list of groups to pass to <c>torch.optim.AdamW(groups, lr: ...)</c>.</returns>
    /// <exception cref="InvalidOperationException">The groups are stale (see <see cref="EnsureValid"/>).</exception>
    /// <remarks>Equivalent to passing PyTorch's list of group dictionaries to <c>torch.optim.AdamW</c>; the same as
    /// <c>For&lt;AdamW.ParamGroup&gt;()</c>. Options a group does not set (betas, eps, amsgrad, and the learning rate when
    /// null) come from the optimizer's arguments, as in PyTorch.</remarks>
    public IReadOnlyList<AdamW.ParamGroup> ForAdamW() => For<AdamW.ParamGroup>();

    /// <summary>Creates TorchSharp SGD parameter groups for these groups.</summary>
    /// <returns>A new list of groups to pass to <c>torch.optim.SGD(groups, lr)</c>.</returns>
    /// <exception cref="InvalidOperationException">The groups are stale (see <see cref="EnsureValid"/>).</exception>
    /// <remarks>Equivalent to passing PyTorch's list of group dictionaries to <c>torch.optim.SGD</c>; the same as
    /// <c>For&lt;SGD.ParamGroup&gt;()</c>. Momentum, dampening and nesterov come from the optimizer's arguments.</remarks>
    public IReadOnlyList<SGD.ParamGroup> ForSGD() => For<SGD.ParamGroup>();
}

public static partial class ModuleExtensions
{
    /// <summary>Splits a model's parameters into optimizer groups by name: no weight decay for biases and normalization
    /// weights, and per-pattern (layer-wise) learning rates.</summary>
    /// <param name="module">The model, already on its final device and dtype.</param>
    /// <param name="options">The split; <see cref="ParameterGroupOptions.Default"/> when null.</param>
    /// <returns>The groups; pass <c>ForAdamW()</c> or <c>ForSGD()</c> to the optimizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <exception cref="FormatException">A pattern in the options is malformed.</exception>
    /// <exception cref="ArgumentException">A pattern matches no parameter (unless <see cref="ParameterGroupOptions.AllowNoMatch"/>),
    /// or a learning rate or weight decay is negative or not finite.</exception>
    /// <remarks>Equivalent to the PyTorch idiom <c>[{"params": decay, "weight_decay": wd}, {"params": no_decay,
    /// "weight_decay": 0.0}]</c> over <c>named_parameters()</c> (tied weights once), with frozen parameters left out.
    /// TorchSharp's groups take <see cref="Parameter"/> objects only; this builds them from names. Build the groups
    /// after <c>model.to(device)</c>: TorchSharp replaces parameter objects on a move.</remarks>
    public static ParameterGroups GroupParameters(this Module module, ParameterGroupOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        options ??= ParameterGroupOptions.Default;
        if (!double.IsFinite(options.WeightDecay) || options.WeightDecay < 0)
            throw Throw.BadWeightDecay(options.WeightDecay, nameof(options));
        var noDecay = options.NoDecay.Select(PathPattern.Parse).ToList();
        var rates = options.LearningRates.Select(r =>
        {
            if (!double.IsFinite(r.LearningRate) || r.LearningRate < 0)
                throw Throw.BadLearningRate(r.LearningRate, r.Pattern, nameof(options));
            return (Pattern: PathPattern.Parse(r.Pattern), r.LearningRate);
        }).ToList();

        var all = ModuleWalker.Parameters(module, "", recurse: true, removeDuplicate: true).ToList();
        if (!options.AllowNoMatch)
        {
            foreach (var pattern in noDecay.Concat(rates.Select(static r => r.Pattern)))
                if (!all.Exists(x => pattern.IsMatch(x.Name))) throw Throw.NoNameMatches(pattern, "parameter", all.Select(static x => x.Name), nameof(options));
        }

        var keys = new List<(int Rate, bool Decay)>();
        var members = new List<List<(string, Parameter)>>();
        foreach (var (name, parameter) in all)
        {
            if (!options.IncludeFrozen && !parameter.requires_grad) continue;
            int rate = rates.FindIndex(r => r.Pattern.IsMatch(name));
            bool decay = !(options.NoDecayForOneDimensional && parameter.dim() <= 1) && !noDecay.Exists(p => p.IsMatch(name));
            int index = keys.IndexOf((rate, decay));
            if (index < 0)
            {
                keys.Add((rate, decay));
                members.Add([]);
                index = keys.Count - 1;
            }
            members[index].Add((name, parameter));
        }
        var groups = keys.Select((key, i) => new ParameterGroup(
            key.Rate < 0 ? null : rates[key.Rate].LearningRate,
            key.Decay ? options.WeightDecay : 0.0,
            members[i].AsReadOnly())).ToList();
        return new ParameterGroups(module, groups.AsReadOnly());
    }
}
