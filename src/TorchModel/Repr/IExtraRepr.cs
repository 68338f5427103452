namespace TorchModel;

/// <summary>
/// Lets a custom module supply the text PyTorch's <c>extra_repr()</c> would return, printed by
/// <see cref="ModuleExtensions.Repr(Module)"/> inside the module's parentheses.
/// </summary>
/// <remarks>
/// Equivalent to overriding <c>extra_repr(self)</c> in a PyTorch module. TorchSharp has no counterpart (its
/// <c>ToString()</c> is the type name). Return one line for the one-line form (<c>MyLayer(alpha=1)</c>) or several
/// lines separated by <c>\n</c>; an empty string prints nothing.
/// </remarks>
/// <example>
/// <code>
/// public sealed class Scale : nn.Module&lt;Tensor, Tensor&gt;, IExtraRepr
/// {
///     public string ExtraRepr() => "factor=2.0";
/// }
/// </code>
/// </example>
public interface IExtraRepr
{
    /// <summary>Returns the module's extra representation, without the class name or parentheses.</summary>
    /// <returns>The text PyTorch's <c>extra_repr()</c> would return; empty for none.</returns>
    string ExtraRepr();
}
