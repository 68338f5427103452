namespace TorchModel;

/// <summary>
/// The error <see cref="ModuleExtensions.LoadStateDict"/> raises when a state dict does not fit the model; the
/// counterpart of the <c>RuntimeError</c> PyTorch's <c>load_state_dict</c> raises, with PyTorch's message text.
/// When it is thrown, no parameter or buffer has been changed.
/// </summary>
/// <remarks>Derives from <see cref="InvalidOperationException"/>, which TorchSharp's <c>load_state_dict</c> throws, so
/// existing handlers keep working.</remarks>
public sealed class StateDictLoadException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">PyTorch's message, starting <c>Error(s) in loading state_dict for ClassName:</c>.</param>
    /// <param name="missingKeys">Keys of the model absent from the state dict.</param>
    /// <param name="unexpectedKeys">Keys of the state dict the model does not have.</param>
    /// <param name="errors">The per-key errors (size mismatches and invalid values), in visit order.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public StateDictLoadException(string message, IReadOnlyList<string> missingKeys, IReadOnlyList<string> unexpectedKeys, IReadOnlyList<string> errors)
        : base(message ?? throw new ArgumentNullException(nameof(message)))
    {
        ArgumentNullException.ThrowIfNull(missingKeys);
        ArgumentNullException.ThrowIfNull(unexpectedKeys);
        ArgumentNullException.ThrowIfNull(errors);
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
        Errors = errors;
    }

    /// <summary>Gets the keys of the model absent from the state dict, in <c>state_dict()</c> order.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Gets the keys of the state dict the model does not have, in module-visit then input order.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Gets the per-key errors (e.g. <c>size mismatch for 0.weight: …</c>), without the missing/unexpected lines.</summary>
    public IReadOnlyList<string> Errors { get; }
}
