using TorchModel.Internal;
using TorchSharp;

namespace TorchModel;

public static partial class OptimizerExtensions
{
    /// <summary>Checks that every parameter the optimizer updates is still one of the model's parameters.</summary>
    /// <typeparam name="TOptimizer">The optimizer's type, kept for chaining.</typeparam>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="model">The model it should train.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">A parameter of the optimizer was disposed or is not the model's: the
    /// optimizer was built before <c>model.to(device)</c> or <c>to(dtype)</c>, which in TorchSharp replaces the model's
    /// Parameter objects. The message names the fix (<see cref="ModuleExtensions.MoveTo{TOptimizer}(Module, torch.Device, TOptimizer)"/>).</exception>
    /// <remarks>Equivalent to nothing in PyTorch, where <c>.to()</c> keeps parameter objects. Without this check TorchSharp
    /// either trains tensors the model no longer uses (silently) or fails in <c>step()</c> with
    /// <c>KeyNotFoundException: The given key '0' was not present</c>. Identity is the libtorch tensor, not the C# wrapper.</remarks>
    public static TOptimizer EnsureOptimizes<TOptimizer>(this TOptimizer optimizer, Module model)
        where TOptimizer : torch.optim.Optimizer
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(model);
        var owned = new HashSet<nint>();
        foreach (var (_, parameter) in ModuleWalker.Parameters(model, "", recurse: true, removeDuplicate: true))
            owned.Add(TensorIdentity.Of(parameter));
        int index = 0;
        foreach (var parameter in optimizer.parameters())
        {
            if (parameter is null || parameter.IsInvalid) throw Throw.OptimizerParameterDisposed(index);
            if (!owned.Contains(TensorIdentity.Of(parameter))) throw Throw.OptimizerParameterNotInModel(index, parameter.shape);
            index++;
        }
        return optimizer;
    }
}
