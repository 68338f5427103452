using TorchSharp;
using TorchModel.Internal;

namespace TorchModel;

/// <summary>Extension methods on TorchSharp optimizers: PyTorch-layout state and checks against the model.</summary>
public static partial class OptimizerExtensions
{
    /// <summary>Returns the optimizer's state in PyTorch's <c>optimizer.state_dict()</c> layout.</summary>
    /// <param name="optimizer">A TorchSharp SGD, Adam, AdamW, RMSProp, Adagrad, Adamax, NAdam, RAdam, Adadelta, ASGD or Rprop.</param>
    /// <returns>A snapshot owning copies of the state tensors (dispose it): per-parameter state by index, numbered across
    /// the groups in order, with PyTorch's key names (<c>step</c> as a float32 scalar tensor, as in PyTorch 2.x), and the
    /// groups with PyTorch's hyper-parameter keys (<c>lr</c>, <c>betas</c>, <c>weight_decay</c>, ..., <c>initial_lr</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="NotSupportedException">The optimizer has no PyTorch mapping (e.g. LBFGS).</exception>
    /// <exception cref="InvalidOperationException">A parameter of the optimizer was disposed, typically by <c>model.to(device)</c>.</exception>
    /// <remarks>Equivalent to PyTorch's <c>optimizer.state_dict()</c>. Parameters never stepped have no entry, as in PyTorch
    /// (TorchSharp creates their state eagerly; it is left out). TorchSharp's own <c>state_dict()</c> returns a TorchSharp-only
    /// structure that PyTorch cannot read. The keys PyTorch 2.x adds that TorchSharp does not implement (<c>foreach</c>,
    /// <c>capturable</c>, <c>differentiable</c>, <c>fused</c>) are written with their defaults.</remarks>
    public static OptimizerStateDict ToPyTorchStateDict(this torch.optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var helper = OptimizerStateMapper.Helper(optimizer, out var kind);
        return OptimizerStateMapper.Save(helper, kind);
    }
}
