namespace TorchModel.Internal;

/// <summary>The train/eval flag of every module of a tree, saved before a pass that switches to eval mode and restored
/// after it (used by Summary and PortCheck).</summary>
internal sealed class TrainingFlags
{
    private readonly List<(Module Module, bool Training)> _flags;

    private TrainingFlags(List<(Module Module, bool Training)> flags) => _flags = flags;

    /// <summary>Saves the flags of the given modules, which must be in pre-order (as <c>ModuleWalker.PreOrder</c> yields them).</summary>
    public static TrainingFlags Save(IEnumerable<Module> preOrder) => new(preOrder.Select(static m => (m, m.training)).ToList());

    /// <summary>Restores every saved flag.</summary>
    public void Restore()
    {
        // Module.train(bool) recurses into children; restoring in pre-order leaves every module with its own flag.
        foreach (var (module, training) in _flags) module.train(training);
    }
}
