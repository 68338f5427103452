namespace TorchModel;

/// <summary>
/// The error raised when an optimizer state in PyTorch's layout does not fit the optimizer it is loaded into (another
/// optimizer kind, another number of groups or parameters, a moment of the wrong shape, a missing <c>step</c>, an
/// option TorchSharp's optimizer cannot honour); the message names the group, parameter index and key. The optimizer
/// is left unchanged.
/// </summary>
public sealed class OptimizerStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What does not fit, naming the value and what would be valid.</param>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    public OptimizerStateException(string message) : base(message ?? throw new ArgumentNullException(nameof(message)))
    {
    }

    /// <summary>Creates the exception with the error that revealed the problem.</summary>
    /// <param name="message">What does not fit, naming the value and what would be valid.</param>
    /// <param name="inner">The underlying error.</param>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> or <paramref name="inner"/> is null.</exception>
    public OptimizerStateException(string message, Exception inner)
        : base(message ?? throw new ArgumentNullException(nameof(message)), inner ?? throw new ArgumentNullException(nameof(inner)))
    {
    }
}
