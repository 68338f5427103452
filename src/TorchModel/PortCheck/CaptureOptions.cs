namespace TorchModel;

/// <summary>What <see cref="ModuleExtensions.CaptureOutputs(Module, Tensor, CaptureOptions)"/> records, adjusted with
/// <c>with</c> from <see cref="Default"/>.</summary>
/// <remarks>The Python side, <c>tools/capture_outputs.py</c>, takes the same settings (<c>patterns</c>,
/// <c>include_inputs</c>, <c>eval_mode</c>) so that both captures name the same tensors.</remarks>
public sealed record CaptureOptions
{
    /// <summary>Gets the default options: every module (<c>**</c>), outputs only, eval mode.</summary>
    public static CaptureOptions Default { get; } = new();

    /// <summary>Gets the path patterns (<see cref="PathPattern"/> grammar) of the modules to capture; a module is
    /// captured when any pattern matches its dotted name. The default <c>**</c> matches every module, the root included.</summary>
    public IReadOnlyList<string> Patterns { get; init; } = ["**"];

    /// <summary>Gets whether each captured call also records its positional inputs (<c>name:in[i]</c>), taken when the
    /// call starts. Inputs let a comparison tell a mistake inside a module from one in the code that calls it.</summary>
    public bool IncludeInputs { get; init; }

    /// <summary>Gets whether the pass runs in eval mode (dropout off, batch norm on running statistics); every module's
    /// train/eval flag is restored afterwards. Default <see langword="true"/>, as both sides must be deterministic to compare.</summary>
    public bool EvalMode { get; init; } = true;

    /// <summary>Gets whether a pattern may match no module; by default that is an error naming the nearest module names.</summary>
    public bool AllowNoMatch { get; init; }
}
