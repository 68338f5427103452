namespace TorchModel.Internal;

/// <summary>The wording of errors raised by the shared core (every feature's walks).</summary>
internal static partial class Throw
{
    public static ObjectDisposedException DisposedTensor()
        => new(nameof(Tensor), "The tensor has been disposed (its handle is empty).");
}
