using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Stops gradient tracking for every parameter whose dotted name matches a pattern.</summary>
    /// <typeparam name="TModule">The module's own type, returned so chains keep it.</typeparam>
    /// <param name="module">The root module.</param>
    /// <param name="pattern">A <see cref="PathPattern"/> over parameter names, e.g. <c>backbone.**</c>.</param>
    /// <param name="allowNoMatch">When false (the default), a pattern that matches no parameter throws.</param>
    /// <returns><paramref name="module"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="pattern"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="pattern"/> is malformed.</exception>
    /// <exception cref="ArgumentException">The pattern matches no parameter name (the message lists the nearest names);
    /// nothing is changed.</exception>
    /// <remarks>Equivalent to PyTorch's <c>for n, p in model.named_parameters(): if match(n): p.requires_grad_(False)</c>.
    /// Names are those of <see cref="NamedParameters"/> (tied weights under their first name). TorchSharp has no
    /// pattern-based freezing.</remarks>
    public static TModule Freeze<TModule>(this TModule module, string pattern, bool allowNoMatch = false) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(pattern);
        SetRequiresGrad(module, PathPattern.Parse(pattern), false, allowNoMatch);
        return module;
    }

    /// <summary>Stops gradient tracking for every parameter whose dotted name matches a parsed pattern.</summary>
    /// <typeparam name="TModule">The module's own type.</typeparam>
    /// <param name="module">The root module.</param>
    /// <param name="pattern">The parsed pattern.</param>
    /// <param name="allowNoMatch">When false (the default), a pattern that matches no parameter throws.</param>
    /// <returns><paramref name="module"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="pattern"/> is null.</exception>
    /// <exception cref="ArgumentException">The pattern matches no parameter name; nothing is changed.</exception>
    /// <remarks>Equivalent to a PyTorch loop calling <c>p.requires_grad_(False)</c> on matching names.</remarks>
    public static TModule Freeze<TModule>(this TModule module, PathPattern pattern, bool allowNoMatch = false) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(pattern);
        SetRequiresGrad(module, pattern, false, allowNoMatch);
        return module;
    }

    /// <summary>Restarts gradient tracking for every parameter whose dotted name matches a pattern.</summary>
    /// <typeparam name="TModule">The module's own type, returned so chains keep it.</typeparam>
    /// <param name="module">The root module.</param>
    /// <param name="pattern">A <see cref="PathPattern"/> over parameter names, e.g. <c>layer4.**</c>.</param>
    /// <param name="allowNoMatch">When false (the default), a pattern that matches no parameter throws.</param>
    /// <returns><paramref name="module"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="pattern"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="pattern"/> is malformed.</exception>
    /// <exception cref="ArgumentException">The pattern matches no parameter name; nothing is changed.</exception>
    /// <remarks>Equivalent to PyTorch's <c>for n, p in model.named_parameters(): if match(n): p.requires_grad_(True)</c>.</remarks>
    public static TModule Unfreeze<TModule>(this TModule module, string pattern, bool allowNoMatch = false) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(pattern);
        SetRequiresGrad(module, PathPattern.Parse(pattern), true, allowNoMatch);
        return module;
    }

    /// <summary>Restarts gradient tracking for every parameter whose dotted name matches a parsed pattern.</summary>
    /// <typeparam name="TModule">The module's own type.</typeparam>
    /// <param name="module">The root module.</param>
    /// <param name="pattern">The parsed pattern.</param>
    /// <param name="allowNoMatch">When false (the default), a pattern that matches no parameter throws.</param>
    /// <returns><paramref name="module"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="pattern"/> is null.</exception>
    /// <exception cref="ArgumentException">The pattern matches no parameter name; nothing is changed.</exception>
    /// <remarks>Equivalent to a PyTorch loop calling <c>p.requires_grad_(True)</c> on matching names.</remarks>
    public static TModule Unfreeze<TModule>(this TModule module, PathPattern pattern, bool allowNoMatch = false) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(pattern);
        SetRequiresGrad(module, pattern, true, allowNoMatch);
        return module;
    }

    /// <summary>Sets whether every parameter of the module and its descendants requires gradients.</summary>
    /// <typeparam name="TModule">The module's own type, returned so chains keep it.</typeparam>
    /// <param name="module">The root module.</param>
    /// <param name="requiresGrad">The new value of <c>requires_grad</c>.</param>
    /// <returns><paramref name="module"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <remarks>Equivalent to PyTorch's <c>Module.requires_grad_(requires_grad=True)</c>, which TorchSharp's
    /// <c>Module</c> lacks (it only has <c>Tensor.requires_grad_</c>).</remarks>
    public static TModule RequiresGrad<TModule>(this TModule module, bool requiresGrad = true) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (var (_, parameter) in ModuleWalker.Parameters(module, "", recurse: true, removeDuplicate: true))
            parameter.requires_grad = requiresGrad;
        return module;
    }

    private static void SetRequiresGrad(Module module, PathPattern pattern, bool value, bool allowNoMatch)
    {
        var all = ModuleWalker.Parameters(module, "", recurse: true, removeDuplicate: true).ToList();
        var matched = all.Where(x => pattern.IsMatch(x.Name)).ToList();
        if (matched.Count == 0 && !allowNoMatch) throw Throw.NoParameterMatches(pattern, all.Select(static x => x.Name));
        foreach (var (_, parameter) in matched) parameter.requires_grad = value;
    }
}
