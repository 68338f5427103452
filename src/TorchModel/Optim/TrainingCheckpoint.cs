using TorchModel.Internal;
using TorchSharp;

namespace TorchModel;

/// <summary>
/// Training checkpoints that cross the Python/.NET border in one call each way: the model's state_dict, the optimizer's
/// state in PyTorch's layout, and the epoch, scheduler state and scalars, as the dict PyTorch users <c>torch.save</c>.
/// </summary>
public static class TrainingCheckpoint
{
    private static readonly string[] ModelKeys = ["model", "model_state_dict", "state_dict"];
    private static readonly string[] OptimizerKeys = ["optimizer", "optimizer_state_dict", "optimizer_states"];
    private static readonly HashSet<string> ReservedKeys = ["model", "optimizer", "epoch", "scheduler"];

    /// <summary>Writes <c>{"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": ..., "scheduler": ...,
    /// **values}</c> as <c>torch.save</c> does.</summary>
    /// <param name="path">The file to write; replaced atomically if it exists.</param>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">The optimizer training the model (SGD, Adam, AdamW, RMSProp, Adagrad, Adamax, NAdam, RAdam,
    /// Adadelta, ASGD or Rprop).</param>
    /// <param name="epoch">The epoch, written under <c>"epoch"</c> when not null.</param>
    /// <param name="scheduler">The scheduler's state (e.g. a dictionary like PyTorch's <c>scheduler.state_dict()</c>; any
    /// value <see cref="PyTorchCheckpoint.Save(object?, string)"/> writes), under <c>"scheduler"</c> when not null.
    /// TorchSharp's schedulers have no state_dict, so the caller provides it.</param>
    /// <param name="values">Further entries (best accuracy, global step, ...), written after the others in their order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="model"/> or <paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentException">A key of <paramref name="values"/> is one of the reserved keys, or a value cannot be written.</exception>
    /// <exception cref="NotSupportedException">The optimizer has no PyTorch mapping (e.g. LBFGS).</exception>
    /// <exception cref="InvalidOperationException">The optimizer's parameters are not the model's (built before <c>model.to(...)</c>).</exception>
    /// <remarks>Equivalent to PyTorch's <c>torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": e}, path)</c>;
    /// Python resumes with <c>ckpt = torch.load(path); model.load_state_dict(ckpt["model"]); opt.load_state_dict(ckpt["optimizer"])</c>.
    /// The optimizer state is written as PyTorch 2.x writes it (<c>step</c> a float32 scalar tensor), which PyTorch 1.13 also reads.</remarks>
    public static void Save(string path, Module model, torch.optim.Optimizer optimizer, long? epoch = null, object? scheduler = null,
        IReadOnlyDictionary<string, object?>? values = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        foreach (var key in values?.Keys ?? [])
            if (key is null || ReservedKeys.Contains(key)) throw Throw.TrainingCheckpointValueKey(key ?? "null", nameof(values));
        optimizer.EnsureOptimizes(model);
        using var state = model.StateDict();
        using var optimizerState = optimizer.ToPyTorchStateDict();
        var checkpoint = new OrderedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["model"] = state,
            ["optimizer"] = OptimizerCheckpointValues.Write(optimizerState),
        };
        if (epoch is { } e) checkpoint["epoch"] = e;
        if (scheduler is not null) checkpoint["scheduler"] = scheduler;
        foreach (var (key, value) in values ?? new Dictionary<string, object?>()) checkpoint[key] = value;
        PyTorchCheckpoint.Save(checkpoint, path);
    }

    /// <summary>Loads a training dict written by PyTorch (or by <see cref="Save"/>) into the model and the optimizer, and
    /// returns the whole tree for the epoch, scheduler state and other entries.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">The model to load the state_dict into.</param>
    /// <param name="optimizer">The optimizer to load the state into, built over the model's parameters with the same groups.</param>
    /// <param name="strict">Whether the state_dict's keys must match the model's exactly.</param>
    /// <param name="modelKey">The key of the model's state_dict; null tries <c>"model"</c>, <c>"model_state_dict"</c>,
    /// <c>"state_dict"</c>.</param>
    /// <param name="optimizerKey">The key of the optimizer's state; null tries <c>"optimizer"</c>, <c>"optimizer_state_dict"</c>
    /// and Lightning's <c>"optimizer_states"</c> (a list of one).</param>
    /// <returns>The checkpoint's tree (e.g. <c>ckpt["epoch"].AsInt64()</c>); dispose it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="model"/> or <paramref name="optimizer"/> is null.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is corrupt or hostile.</exception>
    /// <exception cref="KeyNotFoundException">The model's or optimizer's entry is missing (the message lists the keys).</exception>
    /// <exception cref="NotSupportedException">The optimizer has no PyTorch mapping (e.g. LBFGS).</exception>
    /// <exception cref="InvalidOperationException">The file is not a dict, or the optimizer's parameters are not the model's.</exception>
    /// <exception cref="StateDictLoadException">The state_dict does not fit the model (see <see cref="ModuleExtensions.LoadStateDict"/>).</exception>
    /// <exception cref="OptimizerStateException">The optimizer state does not fit the optimizer.</exception>
    /// <remarks>Equivalent to PyTorch's <c>ckpt = torch.load(path); model.load_state_dict(ckpt["model"], strict);
    /// opt.load_state_dict(ckpt["optimizer"])</c>. The optimizer state is validated and converted first, then the model is
    /// loaded (itself all or nothing), then the optimizer: on any error both are unchanged.</remarks>
    public static CheckpointTree Load(string path, Module model, torch.optim.Optimizer optimizer, bool strict = true,
        string? modelKey = null, string? optimizerKey = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var helper = OptimizerStateMapper.Helper(optimizer, out var kind);
        optimizer.EnsureOptimizes(model);
        var tree = PyTorchCheckpoint.Read(path);
        try
        {
            if (!tree.Root.IsDict) throw Throw.TrainingCheckpointNotDict(path);
            var root = tree.Root.AsDict();
            var modelValue = Find(path, root, modelKey, ModelKeys, "model state_dict");
            var optimizerValue = Find(path, root, optimizerKey, OptimizerKeys, "optimizer state");
            if (optimizerValue.IsList && optimizerValue.Count == 1) optimizerValue = optimizerValue.AsList()[0];
            var prepared = OptimizerStateMapper.Prepare(helper, kind, OptimizerCheckpointValues.Read(optimizerValue, "The optimizer entry"));
            try
            {
                var weights = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
                foreach (var (key, value) in modelValue.AsDict())
                    weights[key.AsString()] = value.AsTensor();
                model.LoadStateDict(weights, strict);
            }
            catch
            {
                prepared.Abort();
                throw;
            }
            prepared.Commit();
            return tree;
        }
        catch
        {
            tree.Dispose();
            throw;
        }
    }

    private static CheckpointValue Find(string path, CheckpointDict root, string? key, string[] defaults, string what)
    {
        string[] tried = key is null ? defaults : [key];
        foreach (var k in tried)
            if (root.TryGetValue(k, out var value)) return value;
        throw Throw.TrainingCheckpointKey(path, what, tried, root.Keys.Select(static k => k.ToString()));
    }
}
