namespace TorchModel.Internal;

/// <summary>
/// PyTorch 2.x's <c>load_state_dict</c>, split into a validation pass that plans every copy and reports every problem,
/// and a copy pass that runs only when the plan is clean.
/// </summary>
internal static class StateLoader
{
    public static IncompatibleKeys Load(Module module, IReadOnlyDictionary<string, Tensor> source, bool strict)
    {
        var missing = new List<string>();
        var errors = new List<string>();
        var plan = new List<(Tensor Target, Tensor Source)>();
        var temporaries = new List<Tensor>();
        // Module paths in visit order, and the keys each module owns: what PyTorch's unexpected-key rule looks up.
        var modulePaths = new Dictionary<string, int>(StringComparer.Ordinal);
        var localKeys = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            StateWalker.Walk(module, (path, owner, entries) =>
            {
                modulePaths.TryAdd(path, modulePaths.Count);
                foreach (var (name, target) in entries)
                {
                    string key = StateWalker.Key("", path, name);
                    localKeys.Add(key);
                    // TorchSharp's native modules (MultiheadAttention, Transformer layers) hold their inner modules'
                    // parameters flat under dotted names ("self_attn.out_proj.weight"); each dotted prefix stands for
                    // the child module PyTorch has there, so it takes part in the unexpected-key rule as one.
                    for (int dot = name.IndexOf('.'); dot >= 0; dot = name.IndexOf('.', dot + 1))
                    {
                        modulePaths.TryAdd(StateWalker.Key("", path, name[..dot]), modulePaths.Count);
                    }
                    if (!source.TryGetValue(key, out var value))
                    {
                        // PyTorch 2.x's _BatchNorm._load_from_state_dict: a state_dict without num_batches_tracked (saved
                        // before PyTorch 0.4.1) is not missing it; the module keeps its own value (a dictionary carries
                        // no version metadata, so the rule applies whenever the key is absent).
                        if (name == "num_batches_tracked" && owner is TorchSharp.Modules.BatchNorm) continue;
                        missing.Add(key);
                        continue;
                    }
                    if (value is null)
                    {
                        errors.Add(Throw.NotATensorMessage(key));
                        continue;
                    }
                    if (value.IsInvalid || target.IsInvalid)
                    {
                        errors.Add(Throw.DisposedTensorMessage(key, checkpoint: value.IsInvalid));
                        continue;
                    }
                    var input = value;
                    if (target.dim() == 0 && value.dim() == 1 && value.shape[0] > 0)
                    {
                        input = value[0];
                        temporaries.Add(input);
                    }
                    var inputShape = new Size(input.shape);
                    var targetShape = new Size(target.shape);
                    if (inputShape != targetShape)
                    {
                        errors.Add(Throw.SizeMismatchMessage(key, inputShape, targetShape));
                        continue;
                    }
                    if (input.is_sparse)
                    {
                        errors.Add(Throw.NotDenseMessage(key));
                        continue;
                    }
                    plan.Add((target, input));
                }
            });

            var unexpected = StatePlanner.UnexpectedKeys(source.Keys, modulePaths, localKeys);
            if (errors.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            {
                throw Throw.StateDictLoad(PythonNames.ClassName(module), missing, unexpected, errors, strict);
            }

            using (TorchSharp.torch.no_grad())
            {
                foreach (var (target, input) in plan) target.copy_(input);
            }
            return new IncompatibleKeys(missing, unexpected);
        }
        finally
        {
            foreach (var t in temporaries) t.Dispose();
        }
    }
}
