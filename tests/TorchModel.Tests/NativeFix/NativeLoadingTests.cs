using System.Runtime.InteropServices;
using TorchModel.Build;

namespace TorchModel.Tests.NativeFix;

/// <summary>
/// The native-loading fix, checked where it acts: the test process runs on the copy of libLibTorchSharp.so in its own
/// output folder, that copy's GLIBCXX_3.4.32 need is weak whenever the host's libstdc++ lacks that version (so the
/// loader accepts it), and libtorch then computes through it.
/// </summary>
public class NativeLoadingTests
{
    private const string NeededFile = "libstdc++.so.6";
    private const string VersionName = "GLIBCXX_3.4.32";

    [Fact]
    public void TensorOp_RunsThroughLibTorch()
    {
        using var a = torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        using var b = a.matmul(a.T);
        b.data<float>().ToArray().ShouldBe(new float[] { 5, 14, 14, 50 });
    }

    [Fact]
    public void ModuleForward_RunsThroughLibTorchSharp()
    {
        using var linear = nn.Linear(3, 2);
        using (torch.no_grad())
        {
            linear.weight!.copy_(torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }).reshape(2, 3));
            linear.bias!.copy_(torch.tensor(new float[] { 0.5f, -1 }));
        }
        using var y = linear.call(torch.tensor(new float[] { 1, 1, 1 }).reshape(1, 3));
        y.data<float>().ToArray().ShouldBe(new float[] { 6.5f, 14 });
    }

    [Fact]
    public void LoadedLibTorchSharp_IsTheOutputFoldersCopy_WithTheVersionNeedWeakWhereTheHostLacksIt()
    {
        if (!OperatingSystem.IsLinux()) return; // the fix acts on Linux only; on other systems there is nothing to check
        using var touch = torch.zeros(1); // make sure the native library is loaded
        var mapped = MappedLibraries();

        string library = mapped.SingleOrDefault(p => Path.GetFileName(p) == "libLibTorchSharp.so")
            ?? throw new InvalidOperationException("libLibTorchSharp.so is not mapped into the test process.");
        Path.GetFullPath(library).ShouldStartWith(Path.GetFullPath(AppContext.BaseDirectory), Case.Sensitive,
            "the test process must run on the output folder's copy, the one the build patches");

        string hostStdCxx = mapped.FirstOrDefault(p => Path.GetFileName(p).StartsWith(NeededFile, StringComparison.Ordinal)) // libstdc++.so.6.0.30
            ?? throw new InvalidOperationException($"{NeededFile} is not mapped into the test process.");
        bool hostHasVersion = ElfVersionNeedPatcher.ReadVersionDefinitions(File.ReadAllBytes(hostStdCxx)).Contains(VersionName);

        var need = ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(library))
            .Where(e => e.File == NeededFile && e.Name == VersionName).ToList();
        need.Count.ShouldBe(1, $"{library} declares the {VersionName} need the fix is about");
        if (!hostHasVersion)
        {
            (need[0].Flags & ElfVersionNeedPatcher.VerFlgWeak).ShouldBe(ElfVersionNeedPatcher.VerFlgWeak,
                $"{hostStdCxx} lacks {VersionName}, so the build must have made the need weak in {library}");
        }
    }

    /// <summary>The files mapped into this process, from /proc/self/maps.</summary>
    private static List<string> MappedLibraries()
        => File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length == 6 && parts[5].StartsWith('/'))
            .Select(parts => parts[5].Trim())
            .Distinct()
            .ToList();
}
