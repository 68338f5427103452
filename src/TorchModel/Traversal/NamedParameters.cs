using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Returns the parameters of a module (and, by default, of its descendants) with their dotted names.</summary>
    /// <param name="module">The root module.</param>
    /// <param name="prefix">Prepended (with a <c>.</c>) to every name.</param>
    /// <param name="recurse">When false, only the module's own parameters are yielded.</param>
    /// <param name="removeDuplicate">When true, a parameter reached twice (a shared module, a tied weight) is yielded once, under its first name.</param>
    /// <returns>A lazy sequence of <c>(Name, Parameter)</c> pairs, module by module in pre-order, each module's own
    /// parameters in registration order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="prefix"/> is null.</exception>
    /// <remarks>
    /// Equivalent to PyTorch 2.x's <c>named_parameters(prefix, recurse, remove_duplicate)</c>. Identity is the libtorch
    /// tensor, not the .NET wrapper: TorchSharp's <c>Embedding.weight</c> returns a new <see cref="Parameter"/> on every get,
    /// so a tied weight has several wrappers and is still yielded once. With <paramref name="removeDuplicate"/> false,
    /// modules are not de-duplicated either (as in PyTorch). Unlike TorchSharp's <c>named_parameters</c>, there is a
    /// prefix, <c>recurse: false</c> works on a <c>Sequential</c>, and a <c>ParameterDict</c> keeps insertion order.
    /// </remarks>
    public static IEnumerable<(string Name, Parameter Parameter)> NamedParameters(this Module module, string prefix = "", bool recurse = true, bool removeDuplicate = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(prefix);
        return ModuleWalker.Parameters(module, prefix, recurse, removeDuplicate);
    }
}
