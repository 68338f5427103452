using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Runs one forward pass and records the output of every module whose dotted name matches a pattern.</summary>
    /// <param name="module">The model; its forward takes one tensor.</param>
    /// <param name="input">The forward's argument.</param>
    /// <param name="patterns">Path patterns of the modules to capture (<see cref="PathPattern"/> grammar); none: every
    /// module (<c>**</c>).</param>
    /// <returns>The captured tensors in execution order; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/>, <paramref name="input"/>, <paramref name="patterns"/>
    /// or a pattern is null.</exception>
    /// <exception cref="FormatException">A pattern is malformed.</exception>
    /// <exception cref="ArgumentException">A pattern matches no module name, or the module cannot be called with one tensor.</exception>
    /// <exception cref="InvalidOperationException">Two captured tensors would get the same name.</exception>
    /// <remarks>Equivalent to <c>capture(model, (input,), patterns)</c> of <c>tools/capture_outputs.py</c> in Python;
    /// see <see cref="CaptureOutputs(Module, IReadOnlyList{object}, CaptureOptions)"/> for the details.</remarks>
    public static CapturedOutputs CaptureOutputs(this Module module, Tensor input, params string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(patterns);
        var options = patterns.Length == 0 ? CaptureOptions.Default : CaptureOptions.Default with { Patterns = patterns };
        return Capture(module, [input], options, nameof(patterns));
    }

    /// <summary>Runs one forward pass and records the outputs (and optionally inputs) of the modules the options select.</summary>
    /// <param name="module">The model; its forward takes one tensor.</param>
    /// <param name="input">The forward's argument.</param>
    /// <param name="options">Patterns, inputs, eval mode; see <see cref="CaptureOptions"/>.</param>
    /// <returns>The captured tensors in execution order; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/>, <paramref name="input"/>, <paramref name="options"/>
    /// or a pattern is null.</exception>
    /// <exception cref="FormatException">A pattern is malformed.</exception>
    /// <exception cref="ArgumentException">A pattern matches no module name, or the module cannot be called with one tensor.</exception>
    /// <exception cref="InvalidOperationException">Two captured tensors would get the same name.</exception>
    /// <remarks>See <see cref="CaptureOutputs(Module, IReadOnlyList{object}, CaptureOptions)"/>.</remarks>
    public static CapturedOutputs CaptureOutputs(this Module module, Tensor input, CaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        return Capture(module, [input], options, nameof(options));
    }

    /// <summary>Runs one forward pass with any positional arguments and records the outputs (and optionally inputs) of
    /// the modules the options select, under their PyTorch dotted names.</summary>
    /// <param name="module">The model.</param>
    /// <param name="inputs">The forward's positional arguments, in order (tensors or whatever the forward takes).</param>
    /// <param name="options">Patterns, inputs, eval mode; see <see cref="CaptureOptions"/>.</param>
    /// <returns>The captured tensors in execution order; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/>, <paramref name="inputs"/>, <paramref name="options"/>,
    /// its patterns or a pattern is null.</exception>
    /// <exception cref="FormatException">A pattern is malformed.</exception>
    /// <exception cref="ArgumentException">The patterns are empty or one matches no module name (unless <see cref="CaptureOptions.AllowNoMatch"/>),
    /// the module has no <c>call</c> taking that many arguments, or an argument has the wrong type.</exception>
    /// <exception cref="InvalidOperationException">Two captured tensors would get the same name.</exception>
    /// <remarks>
    /// <para>Equivalent to registering forward pre-hooks and forward hooks on the matching modules of a PyTorch model,
    /// running it once, copying what they see and removing them; <c>tools/capture_outputs.py</c> does exactly that for
    /// the PyTorch original, with the same names and order, so that <see cref="PortCheck.Compare"/> can find the first
    /// module where a port diverges.</para>
    /// <para>The pass runs under <c>no_grad</c> and, by default, in eval mode (every module's flag restored afterwards).
    /// Each captured tensor is copied to CPU memory when its module returns (inputs when it is called), detached from
    /// autograd and from any dispose scope, so in-place changes later in the pass (<c>ReLU(inplace)</c>, TorchSharp's
    /// <c>Sequential</c> disposing intermediates) do not alter it. The model's own final output is not returned; it is
    /// left to the garbage collector or the caller's dispose scope, like any other intermediate tensor.</para>
    /// <para>Order and names: see <see cref="CapturedOutputs"/> and docs/portcheck.md. Hooks exist only on modules
    /// with a typed forward (<c>Module&lt;T, …, TResult&gt;</c>) and fire only for <c>call(...)</c>, so a module run with
    /// <c>forward(...)</c> or a native layer's internal submodules (TorchSharp's Transformer layers) are not captured.</para>
    /// <para>Every hook is removed and every train/eval flag restored before this returns or throws; an exception from the
    /// forward propagates unchanged after the tensors captured so far are disposed. TorchSharp has no counterpart.</para>
    /// </remarks>
    public static CapturedOutputs CaptureOutputs(this Module module, IReadOnlyList<object> inputs, CaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        return Capture(module, inputs, options, nameof(options));
    }

    private static CapturedOutputs Capture(Module module, IReadOnlyList<object> inputs, CaptureOptions options, string patternsParamName)
    {
        ArgumentNullException.ThrowIfNull(options.Patterns, patternsParamName);
        if (options.Patterns.Count == 0 && !options.AllowNoMatch) throw Throw.NoCapturePatterns(patternsParamName);
        var patterns = new List<PathPattern>(options.Patterns.Count);
        foreach (var text in options.Patterns)
        {
            ArgumentNullException.ThrowIfNull(text, patternsParamName);
            patterns.Add(PathPattern.Parse(text));
        }
        var call = ForwardHooks.FindCall(module, inputs.Count)
            ?? throw Throw.NotCallable(PythonNames.ClassName(module), inputs.Count, nameof(inputs));
        var parameters = call.GetParameters();
        for (int i = 0; i < inputs.Count; i++)
        {
            var type = parameters[i].ParameterType;
            if (inputs[i] is null ? type.IsValueType : !type.IsInstanceOfType(inputs[i]))
                throw Throw.InputTypeMismatch(PythonNames.ClassName(module), i, inputs[i]?.GetType().Name ?? "null", type.Name, nameof(inputs));
        }

        var all = ModuleWalker.PreOrder(module, "", removeDuplicate: true).ToList();
        var selected = new List<(string Name, Module Module)>();
        var matched = new bool[patterns.Count];
        foreach (var (name, m) in all)
        {
            bool any = false;
            for (int p = 0; p < patterns.Count; p++)
            {
                if (!patterns[p].IsMatch(name)) continue;
                matched[p] = true;
                any = true;
            }
            if (any) selected.Add((name, m));
        }
        if (!options.AllowNoMatch)
        {
            for (int p = 0; p < patterns.Count; p++)
            {
                if (!matched[p]) throw Throw.NoNameMatches(patterns[p], "module", all.Select(static x => x.Name), patternsParamName);
            }
        }
        return CaptureSession.Run(module, call, inputs, all, selected, options.IncludeInputs, options.EvalMode);
    }
}
