using TorchSharp;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// The fast path of loading a torch.save state_dict into a module: when the file's keys are exactly the module's (so
/// no key is missing or unexpected, strict or not), every shape and dtype matches, every saved tensor covers its whole
/// storage contiguously and every target is a contiguous CPU tensor, the file's bytes are read straight into the
/// targets' memory. Anything else takes the general path (read, then <c>LoadStateDict</c>).
/// </summary>
internal static class DirectLoad
{
    public static bool TryPlan(TorchSaveReader reader, CheckpointDict source, StateDict targets, out List<(Tensor Target, ZipEntryInfo Entry)> plan)
    {
        plan = new List<(Tensor, ZipEntryInfo)>(targets.Count);
        if (source.Count != targets.Count) return false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in source)
        {
            string name = k.AsString();
            if (!seen.Add(name) || !targets.TryGetValue(name, out var target)) return false;
            var slot = v.Slot!;
            if (target.device_type != DeviceType.CPU || target.dtype != slot.Storage.Type || !target.is_contiguous() || target.IsInvalid) return false;
            if (!target.shape.AsSpan().SequenceEqual(slot.Size) || !slot.IsWholeContiguousStorage) return false;
            if (!reader.Storages.TryGetValue(slot.Storage, out var entry) || entry.Deflated) return false;
            plan.Add((target, entry));
        }
        return true;
    }

    public static void Run(TorchSaveReader reader, List<(Tensor Target, ZipEntryInfo Entry)> plan)
    {
        foreach (var (target, entry) in plan) reader.ReadEntryInto(entry, target);
    }
}
