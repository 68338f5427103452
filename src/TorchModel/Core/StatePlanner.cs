namespace TorchModel.Internal;

/// <summary>
/// The key matching of PyTorch's <c>load_state_dict</c> shared by <c>LoadStateDict</c> (tensors in memory) and the
/// checkpoint loaders that stream a file into the model (entries known by key and shape before anything is read).
/// </summary>
internal static class StatePlanner
{
    /// <summary>One planned copy of a shape-only source entry into the model.</summary>
    /// <param name="Source">The entry's index in the source list.</param>
    /// <param name="Target">The model's parameter or buffer.</param>
    /// <param name="FirstElementOnly">A 0-dim target takes the first element of a 1-dim entry (PyTorch's rule).</param>
    public readonly record struct PlannedCopy(int Source, Tensor Target, bool FirstElementOnly);

    /// <summary>
    /// The validation pass of <c>LoadStateDict</c> for entries known only by key and shape (a checkpoint's header, before
    /// any tensor is read): the same keys, order, strict rule and PyTorch error text, so that a streaming loader can
    /// refuse a mismatched file before the first byte reaches the model.
    /// </summary>
    /// <param name="module">The model.</param>
    /// <param name="keys">The source keys, unique, in input order.</param>
    /// <param name="shapeOf">The shape of the entry at an index.</param>
    /// <param name="strict">PyTorch's <c>strict</c>.</param>
    /// <returns>The missing/unexpected keys and the copies to run, in module-visit order; a target that several keys
    /// name (tied weights) is planned once, with the entry PyTorch would copy last.</returns>
    /// <exception cref="StateDictLoadException">As <c>LoadStateDict</c>.</exception>
    public static (IncompatibleKeys Keys, List<PlannedCopy> Plan) PlanShapes(Module module, IReadOnlyList<string> keys, Func<int, long[]> shapeOf, bool strict)
    {
        var index = new Dictionary<string, int>(keys.Count, StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++) index.TryAdd(keys[i], i);
        var missing = new List<string>();
        var errors = new List<string>();
        var plan = new List<PlannedCopy>();
        var planned = new Dictionary<nint, int>();
        var modulePaths = new Dictionary<string, int>(StringComparer.Ordinal);
        var localKeys = new HashSet<string>(StringComparer.Ordinal);
        StateWalker.Walk(module, (path, owner, entries) =>
        {
            modulePaths.TryAdd(path, modulePaths.Count);
            foreach (var (name, target) in entries)
            {
                string key = StateWalker.Key("", path, name);
                localKeys.Add(key);
                for (int dot = name.IndexOf('.'); dot >= 0; dot = name.IndexOf('.', dot + 1))
                {
                    modulePaths.TryAdd(StateWalker.Key("", path, name[..dot]), modulePaths.Count);
                }
                if (!index.TryGetValue(key, out int at))
                {
                    // PyTorch 2.x's _BatchNorm rule for state_dicts saved before 0.4.1, as in StateLoader.
                    if (name == "num_batches_tracked" && owner is TorchSharp.Modules.BatchNorm) continue;
                    missing.Add(key);
                    continue;
                }
                if (target.IsInvalid)
                {
                    errors.Add(Throw.DisposedTensorMessage(key, checkpoint: false));
                    continue;
                }
                long[] shape = shapeOf(at);
                bool firstElement = target.dim() == 0 && shape.Length == 1 && shape[0] > 0;
                var inputShape = firstElement ? new Size() : new Size(shape);
                var targetShape = new Size(target.shape);
                if (inputShape != targetShape)
                {
                    errors.Add(Throw.SizeMismatchMessage(key, inputShape, targetShape));
                    continue;
                }
                var copy = new PlannedCopy(at, target, firstElement);
                nint identity = TensorIdentity.Of(target);
                if (planned.TryGetValue(identity, out int earlier))
                {
                    plan[earlier] = copy; // PyTorch copies both in visit order: the later one is what remains
                    continue;
                }
                planned.Add(identity, plan.Count);
                plan.Add(copy);
            }
        });

        var unexpected = UnexpectedKeys(keys, modulePaths, localKeys);
        if (errors.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            throw Throw.StateDictLoad(PythonNames.ClassName(module), missing, unexpected, errors, strict);
        }
        return (new IncompatibleKeys(missing, unexpected), plan);
    }

    /// <summary>
    /// PyTorch 2.4's rule, without its quadratic filtering: an input key is reported by every visited module whose prefix
    /// it starts with and whose next name segment in the key is not a child (when the key continues past it) or not an
    /// own parameter/persistent buffer (when the key ends there);
    /// reports are ordered by module visit, then input order.
    /// </summary>
    public static List<string> UnexpectedKeys(IEnumerable<string> sourceKeys, Dictionary<string, int> modulePaths, HashSet<string> localKeys)
    {
        var paths = modulePaths.GetAlternateLookup<ReadOnlySpan<char>>();
        var locals = localKeys.GetAlternateLookup<ReadOnlySpan<char>>();
        var found = new List<(int Visit, int Input, string Key)>();
        int inputIndex = 0;
        foreach (var key in sourceKeys)
        {
            // Candidate modules: the root (prefix ""), then each "path." the key starts with that is a visited module.
            int prefixEnd = 0;
            int visit = 0;
            while (true)
            {
                int dot = key.IndexOf('.', prefixEnd);
                var segmentEnd = dot < 0 ? key.Length : dot;
                var head = key.AsSpan(0, segmentEnd);
                // PyTorch >= 2.4: a key continuing past this name needs a child module there; a key ending here needs
                // an own parameter or persistent buffer ("fc1.weight.bad_suffix" is unexpected; 1.13 ignored it).
                if (dot >= 0 ? !paths.ContainsKey(head) : !locals.Contains(head))
                {
                    found.Add((visit, inputIndex, key));
                }
                if (dot < 0 || !paths.TryGetValue(key.AsSpan(0, dot), out visit)) break;
                prefixEnd = dot + 1;
            }
            inputIndex++;
        }
        found.Sort(static (a, b) => a.Visit != b.Visit ? a.Visit.CompareTo(b.Visit) : a.Input.CompareTo(b.Input));
        return found.ConvertAll(static f => f.Key);
    }
}
