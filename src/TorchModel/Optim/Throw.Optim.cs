namespace TorchModel.Internal;

/// <summary>The wording of optimizer errors: parameter groups, optimizer state (issue #12).</summary>
internal static partial class Throw
{
    public static ArgumentException NoNameMatches(PathPattern pattern, string what, IEnumerable<string> names, string paramName)
        => new($"Pattern '{pattern.Text}' matches no {what} name.{Nearest(pattern.Text, names)}", paramName);

    public static InvalidOperationException StaleParameterGroup(string name)
        => new($"Parameter group entry '{name}' is no longer the model's parameter of that name: it was disposed or replaced, "
             + "typically by model.to(device) or to(dtype) after the groups were built (TorchSharp replaces Parameter objects on a move). "
             + "Move the model first, then build the groups (and the optimizer).");

    public static ArgumentException BadWeightDecay(double weightDecay, string paramName)
        => new($"Invalid weight decay {weightDecay}: it must be a finite number >= 0.", paramName);

    public static ArgumentException BadLearningRate(double learningRate, string pattern, string paramName)
        => new($"Invalid learning rate {learningRate} for pattern '{pattern}': it must be a finite number >= 0.", paramName);

    private const string MoveHint =
        "TorchSharp's Module.to(device) and to(dtype) replace the model's Parameter objects (PyTorch changes them in place), " +
        "so an optimizer built before the move updates tensors the model no longer uses, or fails in step() with " +
        "\"KeyNotFoundException: The given key '0' was not present\". Build the optimizer after model.to(...), or move with " +
        "optimizer = model.MoveTo(device, optimizer), which moves the model and rebuilds the optimizer with its state";

    public static NotSupportedException OptimizerNotMapped(Type type)
        => new($"TorchModel has no PyTorch state mapping for the optimizer {type.FullName}; it maps "
             + string.Join(", ", OptimizerKinds.All.Select(static k => k.OptimizerType.Name)) + ".");

    public static ArgumentException GroupTypeNotMapped(Type type, string paramName)
        => new($"{type.FullName} is not the ParamGroup class of an optimizer TorchModel maps; use one of "
             + string.Join(", ", OptimizerKinds.All.Select(static k => k.OptimizerType.Name + ".ParamGroup")) + ".", paramName);

    public static InvalidOperationException NoWeightDecay(string kind, int group, double weightDecay)
        => new($"Parameter group {group} has weight decay {PythonLiteral.Float(weightDecay)}, but {kind} has no weight_decay option (as in PyTorch); "
             + "build the groups with ParameterGroupOptions.Default with { WeightDecay = 0 }.");

    public static InvalidOperationException TorchSharpOptimizerShape(Type type, string member)
        => new($"TorchSharp's {type.FullName} has no {member}, which TorchModel's optimizer table expects; this TorchSharp version is not the one TorchModel was built for.");

    public static InvalidOperationException NoGroupConstructor(Type type)
        => new($"TorchSharp's {type.Name} has no constructor taking parameter groups, so TorchModel cannot rebuild it; build it after the move.");

    public static InvalidOperationException OptimizerParameterDisposed(int index)
        => new($"The optimizer's parameter {index} has been disposed. {MoveHint}.");

    public static InvalidOperationException OptimizerParameterNotInModel(int index, IReadOnlyList<long> shape)
        => new($"The optimizer's parameter {index} (shape {ShapeText(shape)}) is not a parameter of the model. {MoveHint}.");

    public static OptimizerStateException GroupCount(string kind, int expected, int actual)
        => new($"loaded state dict has a different number of parameter groups: it has {actual}, this {kind} optimizer has {expected}. "
             + "Build the optimizer with the same parameter groups, in the same order, as the optimizer that saved the state.");

    public static OptimizerStateException GroupSize(string kind, int group, int expected, int actual)
        => new($"loaded state dict contains a parameter group that doesn't match the size of optimizer's group: group {group} has {actual} "
             + $"parameters in the state, {expected} in this {kind} optimizer.");

    public static OptimizerStateException WrongKind(string kind, string where, string missingKey, IReadOnlyList<string> guesses)
        => new($"The optimizer state does not belong to a {kind} optimizer: {where} has no '{missingKey}'"
             + (guesses.Count == 0 ? "." : $"; it looks like the state of {string.Join(" or ", guesses)}.")
             + $" Load it into the optimizer kind that saved it.");

    public static OptimizerStateException MissingStep(string kind, long index)
        => new($"The {kind} state of parameter {index} has no 'step'; PyTorch writes it for every stepped parameter "
             + "(a float32 scalar tensor in PyTorch 2.x, an int in older releases), so the state is incomplete.");

    public static OptimizerStateException MissingStateKey(string kind, long index, string key, string? because)
        => new($"The {kind} state of parameter {index} has no '{key}'" + (because is null ? "." : $", which it needs because {because}."));

    public static OptimizerStateException UnexpectedStateKey(string kind, long index, string key)
        => new($"The {kind} state of parameter {index} has the key '{key}', which {kind} does not keep; expected "
             + string.Join(", ", OptimizerKinds.All.First(k => k.Name == kind).State.Select(static k => k.Name)
                 .Prepend(OptimizerKinds.All.First(k => k.Name == kind).HasStep ? "step" : null).OfType<string>()) + ".");

    public static OptimizerStateException StateShape(string kind, long index, string key, IReadOnlyList<long> actual, IReadOnlyList<long> expected)
        => new($"The {kind} state '{key}' of parameter {index} has shape {ShapeText(actual)}, but the parameter has shape "
             + $"{ShapeText(expected)}; the state belongs to another model or another parameter order.");

    public static OptimizerStateException BadValue(string where, string key, object? value, string expected)
        => new($"{where}: '{key}' is {Describe(value)}, expected {expected}.");

    public static OptimizerStateException UnsupportedOption(string kind, int group, string key, object? value, object? supported)
        => new($"Parameter group {group} sets '{key}' to {Describe(value)}, but TorchSharp's {kind} supports only {Describe(supported)}.");

    public static OptimizerStateException UnknownStateIndex(long index)
        => new($"The optimizer state has an entry for parameter {index}, which no parameter group lists in its 'params'.");

    public static OptimizerStateException DuplicateIndex(long index)
        => new($"The parameter index {index} appears twice in the param_groups' 'params'.");

    public static OptimizerStateException NotAnOptimizerState(string where, string problem, IEnumerable<string> keys)
    {
        var list = keys.ToList();
        return new($"{where} is not an optimizer state_dict ({{'state': ..., 'param_groups': [...]}}): {problem}"
                   + (list.Count == 0 ? "." : $"; its keys are {string.Join(", ", list)}."));
    }

    public static KeyNotFoundException TrainingCheckpointKey(string path, string what, IReadOnlyList<string> tried, IEnumerable<string> keys)
        => new($"The checkpoint '{path}' has no {what} under " + string.Join(" or ", tried.Select(static k => $"'{k}'"))
             + $"; its top-level keys are {string.Join(", ", keys)}. Pass the key that holds it.");

    public static ArgumentException TrainingCheckpointValueKey(string key, string paramName)
        => new($"The value key '{key}' is one the checkpoint writes itself (model, optimizer, epoch, scheduler); choose another name.", paramName);

    public static InvalidOperationException TrainingCheckpointNotDict(string path)
        => new($"The checkpoint '{path}' is not a training dict (a dict with the model's and the optimizer's state_dicts).");

    private static string ShapeText(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    private static string Describe(object? value) => value switch
    {
        double d => PythonLiteral.Float(d),
        null => "None",
        Tensor t => $"a {t.dtype} tensor of shape {ShapeText(t.shape)}",
        string s => $"'{s}'",
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        System.Runtime.CompilerServices.ITuple t => "(" + string.Join(", ", Enumerable.Range(0, t.Length).Select(i => Describe(t[i]))) + ")",
        System.Collections.IEnumerable e => "(" + string.Join(", ", e.Cast<object?>().Select(Describe)) + ")",
        _ => value.GetType().Name,
    };
}
