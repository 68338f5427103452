namespace TorchModel.Internal;

/// <summary>The wording of optimizer parameter group errors.</summary>
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
}
