using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// Asks Linux to back a freshly allocated tensor with transparent huge pages before the file is read into it, so that
/// the first touch of its memory costs one fault per 2 MB rather than one per 4 KB (with <c>madvise</c> mode, the
/// default of many distributions, the kernel only does this for regions that ask). Purely advisory: any failure is ignored.
/// </summary>
internal static class MemoryAdvice
{
    private const int MadvHugePage = 14;
    private const long HugePage = 2L << 20;
    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Advises huge pages for the 2 MB-aligned part of [start, start + bytes).</summary>
    public static void HugePages(ref byte start, long bytes)
    {
        if (_unavailable || bytes < 2 * HugePage) return;
        nint address = Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref start);
        long first = (address + HugePage - 1) & ~(HugePage - 1);
        long end = (address + bytes) & ~(HugePage - 1);
        if (end <= first) return;
        try
        {
            _ = madvise((nint)first, (nuint)(end - first), MadvHugePage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "madvise")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int madvise(nint address, nuint length, int advice);
}
