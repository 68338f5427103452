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
        var trie = new ModuleTrie();
        var nodeOfVisit = new List<int>();
        using var noGrad = TorchSharp.torch.no_grad(); // for the inference-tensor probe
        bool inferenceMode = TorchSharp.torch.is_inference_mode_enabled();
        StateWalker.Walk(module, (visit, entries) =>
        {
            int node = EnterModule(trie, nodeOfVisit, visit);
            foreach (var (name, target) in entries)
            {
                trie.AddLocal(node, name);
                string key = new(visit.Key(name));
                if (!index.TryGetValue(key, out int at))
                {
                    if (IsOldBatchNormCounter(visit.Module, name)) continue;
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
                // What libtorch's copy_ refuses on the target's side alone, whatever the file holds: checked here so that
                // a streamed load fails before its first byte, as LoadStateDict does.
                if (TargetRefusal(target, inferenceMode) is { } reason)
                {
                    errors.Add(Throw.CopyFailedMessage(key, targetShape, inputShape, reason));
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

        var unexpected = trie.UnexpectedKeys(keys, static _ => false);
        if (errors.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            throw Throw.StateDictLoad(PythonNames.ClassName(module), missing, unexpected, errors, strict);
        }
        return (new IncompatibleKeys(missing, unexpected), plan);
    }

    /// <summary>
    /// Records a visited module in the trie of PyTorch's unexpected-key rule, from its parent's node (so a path costs
    /// its own name, not its depth), and returns its node; <paramref name="nodeOfVisit"/> maps visit index to node.
    /// </summary>
    public static int EnterModule(ModuleTrie trie, List<int> nodeOfVisit, StateWalker.Visit visit)
    {
        int node = visit.Parent < 0 ? ModuleTrie.Root : trie.Descend(nodeOfVisit[visit.Parent], visit.Name, markIntermediate: false);
        trie.MarkModule(node);
        nodeOfVisit.Add(node);
        return node;
    }

    /// <summary>
    /// PyTorch 2.x's <c>_BatchNorm._load_from_state_dict</c>: a state dict without <c>num_batches_tracked</c> (saved
    /// before PyTorch 0.4.1) is not missing it; the module keeps its own value (a dictionary carries no version
    /// metadata, so the rule applies whenever the key is absent).
    /// </summary>
    public static bool IsOldBatchNormCounter(Module owner, string name)
        => name == "num_batches_tracked" && owner is TorchSharp.Modules.BatchNorm;

    /// <summary>The refusals of <c>copy_</c> that depend on the target alone (a target on <c>meta</c> is skipped by
    /// libtorch): elements sharing memory (an <c>expand</c>ed buffer) and a tensor created under inference mode.</summary>
    private static string? TargetRefusal(Tensor target, bool inferenceMode)
    {
        var facts = TensorFacts.Of(target);
        if (facts.Meta) return null;
        if (facts.HasInternalOverlap) return Throw.CopyIntoInternalOverlap;
        return InferenceRefusal(target, facts, inferenceMode);
    }

    /// <summary>
    /// A tensor created under inference mode has no version counter, and libtorch refuses an in-place write into it
    /// outside inference mode only after the write (when it bumps the version). TorchSharp does not expose
    /// <c>is_inference()</c>, so the target is copied into itself: <c>copy_</c> returns before touching a byte when
    /// source and target are the same tensor, then bumps the version, which is the question asked (the caller holds
    /// <c>no_grad</c>).
    /// </summary>
    public static string? InferenceRefusal(Tensor target, in TensorFacts facts, bool inferenceMode)
    {
        if (inferenceMode || facts.Sparse || facts.Quantized) return null;
        try
        {
            target.copy_(target);
            return null;
        }
        catch (System.Runtime.InteropServices.ExternalException ex) when (ex.Message.StartsWith("Inplace update to inference tensor", StringComparison.Ordinal))
        {
            return Throw.CopyIntoInferenceTensor;
        }
    }
}
