namespace TorchModel.CudaChecks;

/// <summary>A check's expectation did not hold; the message says what was expected and what was found.</summary>
internal sealed class CheckFailedException(string message) : Exception(message);
