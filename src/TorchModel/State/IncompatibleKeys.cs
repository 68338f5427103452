using TorchModel.Internal;

namespace TorchModel;

/// <summary>The keys a <see cref="ModuleExtensions.LoadStateDict"/> call could not match, as PyTorch's
/// <c>_IncompatibleKeys</c> named tuple.</summary>
/// <param name="MissingKeys">Keys of the model absent from the state dict, in <c>state_dict()</c> order.</param>
/// <param name="UnexpectedKeys">Keys of the state dict the model does not have, in module-visit then input order.</param>
/// <remarks>Equivalent to the value PyTorch's <c>load_state_dict</c> returns; TorchSharp returns an unnamed tuple of lists.
/// Two instances are equal when both lists are equal element by element.</remarks>
public sealed record IncompatibleKeys(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys)
{
    /// <summary>Gets the keys of the model absent from the state dict, in <c>state_dict()</c> order.</summary>
    public IReadOnlyList<string> MissingKeys { get; init; } = MissingKeys ?? throw new ArgumentNullException(nameof(MissingKeys));

    /// <summary>Gets the keys of the state dict the model does not have, in module-visit then input order.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; init; } = UnexpectedKeys ?? throw new ArgumentNullException(nameof(UnexpectedKeys));

    /// <summary>Gets whether every key matched (both lists are empty).</summary>
    public bool AllKeysMatched => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0;

    /// <summary>Determines whether both lists hold the same keys in the same order.</summary>
    /// <param name="other">The other instance.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(IncompatibleKeys? other)
        => other is not null && MissingKeys.SequenceEqual(other.MissingKeys) && UnexpectedKeys.SequenceEqual(other.UnexpectedKeys);

    /// <summary>Returns a hash code consistent with <see cref="Equals(IncompatibleKeys)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var k in MissingKeys) hash.Add(k);
        hash.Add('|');
        foreach (var k in UnexpectedKeys) hash.Add(k);
        return hash.ToHashCode();
    }

    /// <summary>Formats the keys as PyTorch prints them.</summary>
    /// <returns><c>&lt;All keys matched successfully&gt;</c>, or e.g.
    /// <c>_IncompatibleKeys(missing_keys=['0.bias'], unexpected_keys=['zz'])</c>.</returns>
    public override string ToString() => AllKeysMatched
        ? "<All keys matched successfully>"
        : $"_IncompatibleKeys(missing_keys={PythonLiteral.Repr(MissingKeys)}, unexpected_keys={PythonLiteral.Repr(UnexpectedKeys)})";
}
