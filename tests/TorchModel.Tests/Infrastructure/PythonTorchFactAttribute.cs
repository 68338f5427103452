namespace TorchModel.Tests.Infrastructure;

/// <summary>
/// A fact that needs Python's torch: where <see cref="PythonTorch.IsAvailable"/> is false, the runner reports it as
/// skipped with the reason (xunit 2 decides skips at discovery, so the check runs there), never as passed.
/// </summary>
public sealed class PythonTorchFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute, skipping the test where Python's torch is missing.</summary>
    public PythonTorchFactAttribute()
    {
        if (!PythonTorch.IsAvailable) Skip = PythonTorch.Missing;
    }
}
