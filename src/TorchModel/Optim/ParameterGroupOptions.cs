namespace TorchModel;

/// <summary>How <see cref="ModuleExtensions.GroupParameters"/> splits a model's parameters into optimizer groups.</summary>
/// <remarks>Immutable; start from <see cref="Default"/> and adjust with <c>with</c>:
/// <c>ParameterGroupOptions.Default with { WeightDecay = 0.05, LearningRates = [("head.**", 1e-3)] }</c>.</remarks>
public sealed record ParameterGroupOptions
{
    /// <summary>Gets the defaults: weight decay 0.01 (PyTorch AdamW's default), no decay for 1-D parameters, one learning rate.</summary>
    public static ParameterGroupOptions Default { get; } = new();

    /// <summary>Gets the weight decay of the decayed groups (the no-decay groups get 0).</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Gets whether parameters with at most one dimension (biases, normalization weights) get no weight decay,
    /// the split used by timm, Hugging Face's Trainer and minGPT.</summary>
    public bool NoDecayForOneDimensional { get; init; } = true;

    /// <summary>Gets further patterns (over parameter names) whose parameters get no weight decay, e.g. <c>**.pos_embed</c>.</summary>
    public IReadOnlyList<string> NoDecay { get; init; } = [];

    /// <summary>Gets per-pattern learning rates (layer-wise learning rates); the first matching pattern wins, and
    /// parameters no pattern matches use the optimizer's <c>lr</c>.</summary>
    public IReadOnlyList<(string Pattern, double LearningRate)> LearningRates { get; init; } = [];

    /// <summary>Gets whether parameters that do not require gradients are put in groups too (default: left out).</summary>
    public bool IncludeFrozen { get; init; }

    /// <summary>Gets whether a pattern in <see cref="NoDecay"/> or <see cref="LearningRates"/> may match no parameter
    /// (default: such a pattern is an error, so typos do not pass silently).</summary>
    public bool AllowNoMatch { get; init; }
}
