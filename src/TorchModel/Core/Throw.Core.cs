namespace TorchModel.Internal;

/// <summary>The wording of errors raised by the shared core (every feature's walks).</summary>
internal static partial class Throw
{
    public static ObjectDisposedException DisposedTensor()
        => new(nameof(Tensor), "The tensor has been disposed (its handle is empty).");

    public static NotSupportedException NativeChildForward(string className, string path, string ownerClass)
        => new($"{className} '{path}' is a module libtorch keeps inside {ownerClass}; it runs within {ownerClass}'s native forward and cannot be called from .NET. Call the {ownerClass} instead.");
}
