namespace TorchModel;

/// <summary>
/// The error a lookup by dotted path raises when the path does not lead to what was asked for; the counterpart of
/// the <c>AttributeError</c> PyTorch raises from <c>get_submodule</c>, <c>get_parameter</c> and <c>get_buffer</c>,
/// with PyTorch's message text.
/// </summary>
public sealed class ModuleAttributeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">PyTorch's message, e.g. <c>Linear has no attribute `nope`</c>.</param>
    /// <param name="target">The whole dotted path that was looked up.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public ModuleAttributeException(string message, string target) : base(message ?? throw new ArgumentNullException(nameof(message)))
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
    }

    /// <summary>The whole dotted path that was looked up.</summary>
    public string Target { get; }
}
