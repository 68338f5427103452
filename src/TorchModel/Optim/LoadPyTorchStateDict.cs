using TorchSharp;
using TorchModel.Internal;

namespace TorchModel;

public static partial class OptimizerExtensions
{
    /// <summary>Loads an optimizer state in PyTorch's <c>optimizer.state_dict()</c> layout into a TorchSharp optimizer.</summary>
    /// <param name="optimizer">The optimizer, built over the same parameter groups (same sizes, same order) as the one that
    /// saved the state.</param>
    /// <param name="state">The state, from <see cref="ToPyTorchStateDict"/> or a PyTorch checkpoint.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="NotSupportedException">The optimizer has no PyTorch mapping (e.g. LBFGS).</exception>
    /// <exception cref="InvalidOperationException">A parameter of the optimizer was disposed, typically by <c>model.to(device)</c>.</exception>
    /// <exception cref="OptimizerStateException">The state does not fit: another optimizer kind, another number of groups or
    /// of parameters in a group, a moment whose shape is not its parameter's, a missing <c>step</c> or moment, a value of the
    /// wrong type, or an option TorchSharp's optimizer cannot honour (e.g. <c>maximize=True</c> for Adamax).</exception>
    /// <remarks>
    /// <para>Equivalent to PyTorch's <c>optimizer.load_state_dict(state_dict)</c>: the groups' hyper-parameters (<c>lr</c>,
    /// <c>betas</c>, <c>weight_decay</c>, ...) replace the optimizer's, moments are cast to each parameter's dtype and
    /// device, parameters without an entry start afresh, and <c>step</c> is read as a tensor (PyTorch 2.x) or an int
    /// (PyTorch 1.x). Everything is validated and converted before the optimizer changes: on an error it is untouched.</para>
    /// <para>PyTorch's state does not record the optimizer's class; the kind is checked from the keys, so Adam and AdamW
    /// (identical keys before PyTorch 2.6) cannot be told apart.</para>
    /// </remarks>
    public static void LoadPyTorchStateDict(this torch.optim.Optimizer optimizer, OptimizerStateDict state)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        var helper = OptimizerStateMapper.Helper(optimizer, out var kind);
        OptimizerStateMapper.Load(helper, kind, state);
    }

    /// <summary>Loads an optimizer state read from a <c>torch.save</c> file (<see cref="PyTorchCheckpoint.Read"/>) into a
    /// TorchSharp optimizer.</summary>
    /// <param name="optimizer">The optimizer, built over the same parameter groups as the one that saved the state.</param>
    /// <param name="state">The <c>optimizer.state_dict()</c> value, e.g. <c>tree["optimizer"]</c>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="NotSupportedException">The optimizer has no PyTorch mapping (e.g. LBFGS).</exception>
    /// <exception cref="InvalidOperationException">A parameter of the optimizer was disposed, typically by <c>model.to(device)</c>.</exception>
    /// <exception cref="OptimizerStateException">The value is not an optimizer state_dict, or it does not fit (see
    /// <see cref="LoadPyTorchStateDict(torch.optim.Optimizer, OptimizerStateDict)"/>).</exception>
    /// <remarks>Equivalent to PyTorch's <c>optimizer.load_state_dict(torch.load(path)["optimizer"])</c>; the optimizer is
    /// unchanged on an error.</remarks>
    public static void LoadPyTorchStateDict(this torch.optim.Optimizer optimizer, CheckpointValue state)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        var helper = OptimizerStateMapper.Helper(optimizer, out var kind);
        OptimizerStateMapper.Load(helper, kind, OptimizerCheckpointValues.Read(state, "The value"));
    }
}
