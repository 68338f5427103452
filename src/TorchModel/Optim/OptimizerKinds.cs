using TorchSharp.Modules;

namespace TorchModel.Internal;

/// <summary>The table of TorchSharp optimizers that have a PyTorch twin, with PyTorch 2.x's key names and order.</summary>
internal static class OptimizerKinds
{
    private static readonly ExtraGroupKey Foreach = new("foreach", null, MustMatch: false);
    private static readonly ExtraGroupKey Capturable = new("capturable", false, MustMatch: false);
    private static readonly ExtraGroupKey Differentiable = new("differentiable", false, MustMatch: false);
    private static readonly ExtraGroupKey Fused = new("fused", null, MustMatch: false);
    private static readonly ExtraGroupKey NoMaximize = new("maximize", false, MustMatch: true);
    private static readonly ExtraGroupKey NotDecoupled = new("decoupled_weight_decay", false, MustMatch: true);
    private static readonly ExtraGroupKey Decoupled = new("decoupled_weight_decay", true, MustMatch: true);

    public static IReadOnlyList<OptimizerKind> All { get; } =
    [
        new("SGD", typeof(SGD), ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"],
            [Foreach, Differentiable, Fused], [new("momentum_buffer", StatePresence.Optional)], hasStep: false),
        new("Adam", typeof(Adam), ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"],
            [Foreach, Capturable, Differentiable, Fused, NotDecoupled],
            [new("exp_avg"), new("exp_avg_sq"), new("max_exp_avg_sq", StatePresence.WhenOption, "amsgrad")], hasStep: true),
        new("AdamW", typeof(AdamW), ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"],
            [Foreach, Capturable, Differentiable, Fused, Decoupled],
            [new("exp_avg"), new("exp_avg_sq"), new("max_exp_avg_sq", StatePresence.WhenOption, "amsgrad")], hasStep: true),
        new("RMSprop", typeof(RMSProp), ["lr", "momentum", "alpha", "eps", "centered", "weight_decay", "maximize"],
            [Foreach, Capturable, Differentiable],
            [new("square_avg"), new("momentum_buffer", StatePresence.WhenOption, "momentum"), new("grad_avg", StatePresence.WhenOption, "centered")], hasStep: true),
        new("Adagrad", typeof(Adagrad), ["lr", "lr_decay", "eps", "weight_decay", "initial_accumulator_value"],
            [Foreach, NoMaximize, Differentiable, Fused], [new("sum")], hasStep: true),
        new("Adamax", typeof(Adamax), ["lr", "betas", "eps", "weight_decay"],
            [Foreach, NoMaximize, Differentiable, Capturable], [new("exp_avg"), new("exp_inf")], hasStep: true),
        new("NAdam", typeof(NAdam), ["lr", "betas", "eps", "weight_decay", "momentum_decay"],
            [NotDecoupled, NoMaximize, Foreach, Capturable, Differentiable], [new("mu_product"), new("exp_avg"), new("exp_avg_sq")], hasStep: true),
        new("RAdam", typeof(RAdam), ["lr", "betas", "eps", "weight_decay"],
            [NotDecoupled, NoMaximize, Foreach, Capturable, Differentiable], [new("exp_avg"), new("exp_avg_sq")], hasStep: true),
        new("Adadelta", typeof(Adadelta), ["lr", "rho", "eps", "weight_decay", "maximize"],
            [Foreach, Capturable, Differentiable], [new("square_avg"), new("acc_delta")], hasStep: true, countsSteps: false),
        new("ASGD", typeof(ASGD), ["lr", "lambd", "alpha", "t0", "weight_decay", "maximize"],
            [Foreach, Differentiable, Capturable], [new("eta"), new("mu"), new("ax")], hasStep: true),
        new("Rprop", typeof(Rprop), ["lr", "etas", "step_sizes", "maximize"],
            [Foreach, Differentiable, Capturable], [new("prev"), new("step_size")], hasStep: true),
    ];

    /// <summary>Finds the row of an optimizer instance, or null when TorchModel does not map it (e.g. LBFGS).</summary>
    public static OptimizerKind? Of(Type optimizerType)
    {
        for (var type = optimizerType; type is not null; type = type.BaseType)
            foreach (var kind in All)
                if (kind.OptimizerType == type) return kind;
        return null;
    }

    /// <summary>Finds the row whose <c>ParamGroup</c> class is the given type.</summary>
    public static OptimizerKind? OfGroup(Type groupType) => All.FirstOrDefault(k => k.GroupType == groupType);

    /// <summary>Names the optimizers whose PyTorch state has these group and state keys, for an error message.</summary>
    public static IReadOnlyList<string> Guess(IEnumerable<string> groupKeys, IEnumerable<string> stateKeys)
    {
        var g = groupKeys.ToHashSet(StringComparer.Ordinal);
        var s = stateKeys.ToHashSet(StringComparer.Ordinal);
        return All.Where(k => k.RequiredGroupKeys.All(g.Contains)
                              && s.All(key => key == "step" ? k.HasStep : k.State.Any(x => x.Name == key)))
                  .Select(static k => k.Name).ToList();
    }
}
