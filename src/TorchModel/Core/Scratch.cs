namespace TorchModel.Internal;

/// <summary>
/// One cached instance of <typeparamref name="T"/> per thread. A walk takes it (or a new one when a walk on this
/// thread already holds it, as in nested walks) and gives it back cleared, so it never keeps modules or tensors alive.
/// </summary>
internal static class Scratch<T> where T : class, IScratch, new()
{
    /// <summary>Storage that grew past this many entries is dropped rather than kept for the thread's lifetime.</summary>
    private const int MaxRetainedSize = 1 << 20;

    [ThreadStatic]
    private static T? cached;

    public static T Rent()
    {
        var scratch = cached;
        if (scratch is null) return new T();
        cached = null;
        return scratch;
    }

    public static void Return(T scratch)
    {
        int size = scratch.Size;
        scratch.Clear();
        if (size <= MaxRetainedSize) cached = scratch;
    }
}
