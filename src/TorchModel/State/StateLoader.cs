using TorchSharp;
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
        public string? Error;
    }

    public static IncompatibleKeys Load(Module module, IReadOnlyDictionary<string, Tensor> source, bool strict)
    {
        var missing = new List<string>();
        var copies = new List<Copy>();
        var temporaries = new List<Tensor>();
        var trie = new ModuleTrie();
        var nodeOfVisit = new List<int>();
        // Input keys equal to a model key whose every prefix is a visited module: never unexpected, so not re-checked.
        var matched = new HashSet<string>(StringComparer.Ordinal);
        var cleanVisit = new List<bool>();
        try
        {
            StateWalker.Walk(module, (visit, entries) =>
            {
                int node = ModuleTrie.Root;
                bool clean = true;
                if (visit.Parent >= 0)
                {
                    node = trie.Descend(nodeOfVisit[visit.Parent], visit.Name, markIntermediate: false);
                    trie.MarkModule(node);
                    clean = cleanVisit[visit.Parent] && !visit.Name.Contains('.');
                }
                nodeOfVisit.Add(node);
                cleanVisit.Add(clean);
                foreach (var (name, target) in entries)
                {
                    string key = StateWalker.Key("", visit.Path, name);
                    trie.AddLocal(node, name);
                    if (!source.TryGetValue(key, out var value))
                    {
                        missing.Add(key);
                        continue;
                    }
                    if (clean) matched.Add(key);
                    copies.Add(Plan(key, target, value, temporaries));
                }
            });

            CheckOverlaps(copies);
            var unexpected = UnexpectedKeys(source, trie, matched);
            var errors = new List<string>();
            foreach (var copy in copies)
            {
                if (copy.Error is not null) errors.Add(copy.Error);
            }
            if (errors.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            {
                throw Throw.StateDictLoad(PythonNames.ClassName(module), missing, unexpected, errors, strict);
            }

            using (no_grad())
            {
                foreach (var copy in copies) copy.Target.copy_(copy.Input);
            }
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
    private static Copy Plan(string key, Tensor target, Tensor value, List<Tensor> temporaries)
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
        var targetShape = new Size(target.shape);
        if (target.is_sparse != value.is_sparse)
        {
            // Checked before indexing: selecting from a sparse value is itself an operation that can fail.
            copy.Error = Throw.CopyFailedMessage(key, targetShape, new Size(value.shape), Throw.CopyDenseSparse(target, value));
            return copy;
        }
        if (target.dim() == 0 && value.dim() == 1 && value.shape[0] > 0)
        {
            copy.Input = value[0];
            temporaries.Add(copy.Input);
        }
        var inputShape = new Size(copy.Input.shape);
        if (inputShape != targetShape)
        {
            copy.Error = Throw.SizeMismatchMessage(key, inputShape, targetShape);
            return copy;
        }
        if (CopyRefusal(target, copy.Input) is { } reason)
        {
            copy.Error = Throw.CopyFailedMessage(key, targetShape, inputShape, reason);
        }
        return copy;
    }

    /// <summary>libtorch's <c>copy_(self, src)</c> checks that need only the pair, in its order (memory overlap is
    /// checked across all pairs later).</summary>
    private static string? CopyRefusal(Tensor target, Tensor input)
    {
        if (TensorIdentity.Of(target) == TensorIdentity.Of(input)) return InferenceRefusal(target);
        if (target.is_meta) return InferenceRefusal(target); // copies into meta are accepted and ignored
        if (input.is_meta) return Throw.CopyFromMeta;
        bool targetQuantized = target.is_quantized(), inputQuantized = input.is_quantized();
        if (targetQuantized && !inputQuantized)
        {
            if (input.dtype != ScalarType.Float32) return Throw.QuantizedCopyNeedsFloat;
            if (!target.is_contiguous() || !input.is_contiguous()) return Throw.QuantizedCopyNeedsContiguous;
        }
        if (targetQuantized && inputQuantized && target.dtype != input.dtype) return Throw.QuantizedCopyDTypes;
        if (!targetQuantized && inputQuantized) return Throw.CopyFromQuantized;
        if (!target.is_sparse && HasInternalOverlap(target)) return Throw.CopyIntoInternalOverlap;
        return InferenceRefusal(target);
    }

    /// <summary>libtorch's <c>has_internal_overlap</c> answer "yes": a dimension of more than one element with stride 0.</summary>
    private static bool HasInternalOverlap(Tensor tensor)
    {
        var shape = tensor.shape;
        var strides = tensor.stride();
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] > 1 && strides[i] == 0) return true;
        }
        return false;
    }

    /// <summary>
    /// A tensor created under inference mode has no version counter, and libtorch refuses an in-place write into it
    /// outside inference mode only after the write (when it bumps the version). TorchSharp does not expose
    /// <c>is_inference()</c>, so a write of zero elements into an empty view of the target asks the same question
    /// without changing a byte.
    /// </summary>
    private static string? InferenceRefusal(Tensor target)
    {
        if (is_inference_mode_enabled() || target.is_sparse || target.is_quantized()) return null;
        try
        {
            using var guard = no_grad();
            using var empty = target.as_strided([0], [1]);
            empty.zero_();
            return null;
        }
        catch (System.Runtime.InteropServices.ExternalException ex) when (ex.Message.StartsWith("Inplace update to inference tensor", StringComparison.Ordinal))
        {
            return Throw.CopyIntoInferenceTensor;
        }
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
            if (copy.Error is not null || !HoldsData(copy.Target) || !HoldsData(copy.Input)) continue;
            var range = MemoryRange.Of(copy.Target);
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
            var input = MemoryRange.Of(copy.Input);
            if (input.IsEmpty) continue;
            bool exactView = input == own && copy.Input.dtype == copy.Target.dtype && copy.Input.stride().AsSpan().SequenceEqual(copy.Target.stride());
            // Targets that start before the input ends, latest first, while one of them can still reach into it.
            int hi = UpperBound(targets, input) - 1;
            for (int t = hi; t >= 0 && SameDevice(targets[t].Range, input) && maxEnd[t] > input.Begin; t--)
            {
                var written = targets[t];
                if (!written.Range.Intersects(input) || (exactView && written.Range == own)) continue;
                // Overlapping its own target's memory is what libtorch refuses; any other written tensor is an alias.
                copy.Error = written.Range == own
                    ? Throw.CopyFailedMessage(copy.Key, new Size(copy.Target.shape), new Size(copy.Input.shape), Throw.CopyPartialOverlap)
                    : Throw.SharesMemoryMessage(copy.Key, copies[written.Copy].Key);
                copies[i] = copy;
                break;
            }
        }
    }

    private static bool HoldsData(Tensor tensor) => !tensor.is_meta && !tensor.is_sparse;

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

    /// <summary>
    /// PyTorch's rule, without its quadratic filtering: an input key is reported by every visited module whose prefix it
    /// starts with and whose next name segment in the key is neither a child nor an own parameter/persistent buffer;
    /// reports are ordered by module visit, then input order. Each key costs its own length.
    /// </summary>
    private static List<string> UnexpectedKeys(IReadOnlyDictionary<string, Tensor> source, ModuleTrie trie, HashSet<string> matched)
    {
        var found = new List<(int Visit, int Input, string Key)>();
        var reporters = new List<int>();
        int inputIndex = 0;
        foreach (var key in source.Keys)
        {
            if (!matched.Contains(key))
            {
                reporters.Clear();
                trie.Reporters(key, reporters);
                foreach (int visit in reporters) found.Add((visit, inputIndex, key));
            }
            inputIndex++;
        }
        found.Sort(static (a, b) => a.Visit != b.Visit ? a.Visit.CompareTo(b.Visit) : a.Input.CompareTo(b.Input));
        return found.ConvertAll(static f => f.Key);
    }
}
