using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns the module's parameters and persistent buffers by dotted name, in PyTorch's order.</summary>
    /// <param name="module">The root module.</param>
    /// <param name="prefix">Prepended verbatim to every key: <c>"model."</c> gives <c>model.0.weight</c> (include the dot).</param>
    /// <param name="keepVars">When false (the default), the values are detached tensors sharing storage with the model;
    /// when true, they are the model's own <see cref="Parameter"/> and buffer objects.</param>
    /// <returns>An ordered <see cref="TorchModel.StateDict"/>; dispose it to release the detached views (never the model's tensors).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="prefix"/> is null.</exception>
    /// <remarks>
    /// Equivalent to PyTorch's <c>state_dict(prefix=prefix, keep_vars=keepVars)</c>. Order: each module in pre-order
    /// (root first, children in registration order), its own parameters, then its own persistent buffers. Nothing is
    /// de-duplicated: a shared module or tied weight appears under every path, as in PyTorch. Null parameters and
    /// buffers and non-persistent buffers are left out. No tensor data is copied: writing into a value writes into the model.
    /// Unlike TorchSharp's <c>state_dict()</c>, buffers are not moved after all parameters, the result is ordered by
    /// contract, the prefix is not joined with an extra dot, and values are detached unless <paramref name="keepVars"/>.
    /// </remarks>
    public static StateDict StateDict(this Module module, string prefix = "", bool keepVars = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(prefix);
        var result = new StateDict(0);
        try
        {
            StateWalker.Walk(module, (visit, entries) =>
            {
                foreach (var (name, tensor) in entries)
                {
                    result.Set(string.Concat(prefix, visit.Key(name)), keepVars ? tensor : tensor.detach(), owned: !keepVars);
                }
            });
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }
}
