namespace TorchModel.Internal;

internal static partial class Throw
{
    public static NotSupportedException NativeChildForward(string className, string path, string ownerClass)
        => new($"{className} '{path}' is a module libtorch keeps inside {ownerClass}; it runs within {ownerClass}'s native forward and cannot be called from .NET. Call the {ownerClass} instead.");
}
