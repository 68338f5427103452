using static TorchSharp.torch;

namespace TorchModel.Internal;

/// <summary>
/// PyTorch 2.x's <c>load_state_dict</c>, split into a validation pass that plans every copy and reports every problem
/// (including every reason libtorch's <c>copy_</c> would refuse a pair), and a copy pass that runs only when the plan is
/// clean, so a failed load leaves the model unchanged.
/// </summary>
internal static class StateLoader
{
    /// <summary>One key the model and the input share: what is copied where, or why it cannot be.</summary>
    private struct Copy
    {
        public string Key;
        public Tensor Target;
        public Tensor Input;
        public TensorFacts TargetFacts;
        public TensorFacts InputFacts;
        public string? Error;

        public readonly string Failed(string reason) => Throw.CopyFailedMessage(Key, new Size(TargetFacts.Shape), new Size(InputFacts.Shape), reason);
    }

    public static IncompatibleKeys Load(Module module, IReadOnlyDictionary<string, Tensor> source, bool strict)
    {
        var missing = new List<string>();
        var copies = new List<Copy>();
        var temporaries = new List<Tensor>();
        var trie = new ModuleTrie();
        var nodeOfVisit = new List<int>();
        var keys = new SourceKeys(source);
        // Input keys equal to a model key whose every prefix is a visited module: never unexpected, so not re-checked.
        var matched = new HashSet<string>(keys.ReturnsStoredKeys ? ReferenceEqualityComparer.Instance : StringComparer.Ordinal);
        var cleanVisit = new List<bool>();
        try
        {
            using var noGrad = no_grad(); // for the inference-tensor probe; the copies run under no_grad too
            bool inferenceMode = is_inference_mode_enabled();
            StateWalker.Walk(module, (visit, entries) =>
            {
                int node = StatePlanner.EnterModule(trie, nodeOfVisit, visit);
                bool clean = visit.Parent < 0 || (cleanVisit[visit.Parent] && !visit.Name.Contains('.'));
                cleanVisit.Add(clean);
                foreach (var (name, target) in entries)
                {
                    trie.AddLocal(node, name);
                    var key = visit.Key(name);
                    if (!keys.TryGet(key, out var storedKey, out var value))
                    {
                        if (StatePlanner.IsOldBatchNormCounter(visit.Module, name)) continue;
                        missing.Add(new string(key));
                        continue;
                    }
                    if (clean) matched.Add(storedKey);
                    copies.Add(Plan(storedKey, target, value, temporaries, inferenceMode));
                }
            });

            CheckOverlaps(copies);
            var unexpected = matched.Count == source.Count ? [] : trie.UnexpectedKeys(source.Keys, matched.Contains);
            var errors = new List<string>();
            foreach (var copy in copies)
            {
                if (copy.Error is not null) errors.Add(copy.Error);
            }
            if (errors.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            {
                throw Throw.StateDictLoad(PythonNames.ClassName(module), missing, unexpected, errors, strict);
            }

            foreach (var copy in copies) copy.Target.copy_(copy.Input);
            return new IncompatibleKeys(missing, unexpected);
        }
        finally
        {
            foreach (var t in temporaries) t.Dispose();
        }
    }

    /// <summary>Checks one pair as PyTorch's <c>_load_from_state_dict</c> and libtorch's <c>copy_</c> would, in their
    /// order: a tensor at all, not disposed, the 0-dim/1-dim rule, the shape, then every refusal of <c>copy_</c> that
    /// depends on this pair alone.</summary>
    private static Copy Plan(string key, Tensor target, Tensor value, List<Tensor> temporaries, bool inferenceMode)
    {
        var copy = new Copy { Key = key, Target = target, Input = value };
        if (value is null)
        {
            copy.Error = Throw.NotATensorMessage(key);
            return copy;
        }
        if (value.IsInvalid || target.IsInvalid)
        {
            copy.Error = Throw.DisposedTensorMessage(key, checkpoint: value.IsInvalid);
            return copy;
        }
        copy.TargetFacts = TensorFacts.Of(target);
        copy.InputFacts = TensorFacts.Of(value);
        if (copy.TargetFacts.Sparse != copy.InputFacts.Sparse)
        {
            // Checked before indexing: selecting from a sparse value is itself an operation that can fail.
            copy.Error = copy.Failed(Throw.CopyDenseSparse(target, value));
            return copy;
        }
        if (copy.TargetFacts.Shape.Length == 0 && copy.InputFacts.Shape.Length == 1 && copy.InputFacts.Shape[0] > 0)
        {
            copy.Input = value[0];
            temporaries.Add(copy.Input);
            copy.InputFacts = TensorFacts.Of(copy.Input);
        }
        if (!copy.InputFacts.Shape.AsSpan().SequenceEqual(copy.TargetFacts.Shape))
        {
            copy.Error = Throw.SizeMismatchMessage(key, new Size(copy.InputFacts.Shape), new Size(copy.TargetFacts.Shape));
            return copy;
        }
        if (CopyRefusal(copy, inferenceMode) is { } reason) copy.Error = copy.Failed(reason);
        return copy;
    }

    /// <summary>libtorch's <c>copy_(self, src)</c> checks that need only the pair, in its order (memory overlap is
    /// checked across all pairs later).</summary>
    private static string? CopyRefusal(in Copy copy, bool inferenceMode)
    {
        ref readonly var target = ref copy.TargetFacts;
        ref readonly var input = ref copy.InputFacts;
        if (target.Impl == input.Impl || target.Meta) return StatePlanner.InferenceRefusal(copy.Target, target, inferenceMode); // copies into meta are ignored
        if (input.Meta) return Throw.CopyFromMeta;
        if (target.Quantized && !input.Quantized)
        {
            if (input.DType != ScalarType.Float32) return Throw.QuantizedCopyNeedsFloat;
            if (!target.Contiguous || !input.Contiguous) return Throw.QuantizedCopyNeedsContiguous;
        }
        if (target.Quantized && input.Quantized && target.DType != input.DType) return Throw.QuantizedCopyDTypes;
        if (!target.Quantized && input.Quantized) return Throw.CopyFromQuantized;
        if (target.HasInternalOverlap) return Throw.CopyIntoInternalOverlap;
        return StatePlanner.InferenceRefusal(copy.Target, target, inferenceMode);
    }

    /// <summary>
    /// Refuses every source whose memory intersects a tensor this load writes, unless it is an exact view of its own
    /// target (same first byte, strides and dtype: the copy is a no-op, as when a model loads its own state dict) and
    /// the written tensor has exactly that memory (a tied weight). libtorch refuses a partial overlap with the source's
    /// own target mid-load; an alias of another target would make the loaded value depend on the copy order.
    /// </summary>
    private static void CheckOverlaps(List<Copy> copies)
    {
        var targets = new List<(MemoryRange Range, int Copy)>();
        var ranges = new MemoryRange?[copies.Count];
        for (int i = 0; i < copies.Count; i++)
        {
            var copy = copies[i];
            if (copy.Error is not null || !copy.TargetFacts.HoldsData || !copy.InputFacts.HoldsData) continue;
            var range = MemoryRange.Of(copy.Target, copy.TargetFacts);
            if (range.IsEmpty) continue;
            ranges[i] = range;
            targets.Add((range, i));
        }
        if (targets.Count == 0) return;
        targets.Sort(static (a, b) => Compare(a.Range, b.Range));
        // The largest end among targets[0..i] of one device, so a query can stop once no earlier target reaches it.
        var maxEnd = new nuint[targets.Count];
        for (int i = 0; i < targets.Count; i++)
        {
            bool sameDevice = i > 0 && SameDevice(targets[i - 1].Range, targets[i].Range);
            maxEnd[i] = sameDevice ? Math.Max(maxEnd[i - 1], targets[i].Range.End) : targets[i].Range.End;
        }

        for (int i = 0; i < copies.Count; i++)
        {
            if (ranges[i] is not { } own) continue;
            var copy = copies[i];
            var input = MemoryRange.Of(copy.Input, copy.InputFacts);
            if (input.IsEmpty) continue;
            bool exactView = input == own && copy.InputFacts.DType == copy.TargetFacts.DType && copy.InputFacts.Strides.AsSpan().SequenceEqual(copy.TargetFacts.Strides);
            // Targets that start before the input ends, latest first, while one of them can still reach into it.
            for (int t = UpperBound(targets, input) - 1; t >= 0 && SameDevice(targets[t].Range, input) && maxEnd[t] > input.Begin; t--)
            {
                var written = targets[t];
                if (!written.Range.Intersects(input) || (exactView && written.Range == own)) continue;
                // Overlapping its own target's memory is what libtorch refuses; any other written tensor is an alias.
                copy.Error = written.Range == own ? copy.Failed(Throw.CopyPartialOverlap) : Throw.SharesMemoryMessage(copy.Key, copies[written.Copy].Key);
                copies[i] = copy;
                break;
            }
        }
    }

    private static bool SameDevice(MemoryRange a, MemoryRange b) => a.Device == b.Device && a.DeviceIndex == b.DeviceIndex;

    private static int Compare(MemoryRange a, MemoryRange b)
    {
        int c = a.Device.CompareTo(b.Device);
        if (c != 0) return c;
        c = a.DeviceIndex.CompareTo(b.DeviceIndex);
        return c != 0 ? c : a.Begin.CompareTo(b.Begin);
    }

    /// <summary>The index of the first target that sorts after every target starting before <paramref name="input"/> ends.</summary>
    private static int UpperBound(List<(MemoryRange Range, int Copy)> targets, MemoryRange input)
    {
        var probe = input with { Begin = input.End };
        int lo = 0, hi = targets.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Compare(targets[mid].Range, probe) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
