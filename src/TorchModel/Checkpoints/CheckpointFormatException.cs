namespace TorchModel;

/// <summary>
/// The error raised when a checkpoint file (safetensors or a <c>torch.save</c> archive) is corrupt, truncated,
/// hostile, or uses something TorchModel does not read; the message names the offending part.
/// </summary>
public sealed class CheckpointFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the value and what would be valid.</param>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    public CheckpointFormatException(string message) : base(message ?? throw new ArgumentNullException(nameof(message)))
    {
    }

    /// <summary>Creates the exception with the error that revealed the problem.</summary>
    /// <param name="message">What is wrong, naming the value and what would be valid.</param>
    /// <param name="inner">The underlying error.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public CheckpointFormatException(string message, Exception inner)
        : base(message ?? throw new ArgumentNullException(nameof(message)), inner ?? throw new ArgumentNullException(nameof(inner)))
    {
    }
}
