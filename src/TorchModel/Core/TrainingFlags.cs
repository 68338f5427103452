namespace TorchModel.Internal;

/// <summary>The train/eval flag of every module of a tree, saved before a pass that switches to eval mode and restored
/// after it (used by Summary and PortCheck).</summary>
internal sealed class TrainingFlags
{
    private readonly List<(Module Module, bool Training)> _flags;

    private TrainingFlags(List<(Module Module, bool Training)> flags) => _flags = flags;

    /// <summary>Saves the flags of the given modules, which must be in pre-order (as <c>ModuleWalker.PreOrder</c> yields them).</summary>
    public static TrainingFlags Save(IEnumerable<Module> preOrder) => new(preOrder.Select(static m => (m, m.training)).ToList());

    /// <summary>Sets every saved module to eval mode, one module at a time through libtorch.</summary>
    public void Eval()
    {
        foreach (var (module, _) in _flags) NativeModule.SetNativeTraining(module, false);
    }

    /// <summary>Restores every saved flag, one module at a time through libtorch: TorchSharp's recursive
    /// <c>train()</c> per module would revisit each subtree once per ancestor (twice per level for Sequential).
    /// Restored in pre-order, so a native layer's flag reaches its native children before they get their own.</summary>
    public void Restore()
    {
        foreach (var (module, training) in _flags) NativeModule.SetNativeTraining(module, training);
    }
}
