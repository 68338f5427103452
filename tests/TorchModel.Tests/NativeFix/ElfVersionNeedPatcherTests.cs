using TorchModel.Build;

namespace TorchModel.Tests.NativeFix;

public class ElfVersionNeedPatcherTests
{
    private const string Needed = "libstdc++.so.6";
    private const string Version = "GLIBCXX_3.4.32";

    /// <summary>The pristine library as TorchSharp's package ships it, read from the NuGet cache (never written).</summary>
    private static byte[] PackageLibrary()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Exists(path).ShouldBeTrue($"TorchSharp's linux-x64 library is not in the package cache at {path}");
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void Patch_SetsWeakOnExactlyThatEntry_AndChangesNoOtherByte()
    {
        byte[] original = PackageLibrary();
        var before = ElfVersionNeedPatcher.ReadVersionNeeds(original);
        var target = before.Single(n => n.File == Needed && n.Name == Version);
        (target.Flags & ElfVersionNeedPatcher.VerFlgWeak).ShouldBe(0);

        byte[] patched = (byte[])original.Clone();
        ElfVersionNeedPatcher.Patch(patched, Needed, Version).ShouldBe(ElfPatchOutcome.Patched);

        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        changed.ShouldBe(new[] { (int)target.FlagsOffset });
        var after = ElfVersionNeedPatcher.ReadVersionNeeds(patched);
        for (int i = 0; i < before.Count; i++)
        {
            bool isTarget = before[i].File == Needed && before[i].Name == Version;
            after[i].Flags.ShouldBe(isTarget ? (ushort)(before[i].Flags | ElfVersionNeedPatcher.VerFlgWeak) : before[i].Flags, $"{before[i].File} {before[i].Name}");
        }
    }

    [Fact]
    public void Patch_SecondRun_ChangesNothing()
    {
        byte[] image = PackageLibrary();
        ElfVersionNeedPatcher.Patch(image, Needed, Version).ShouldBe(ElfPatchOutcome.Patched);
        byte[] once = (byte[])image.Clone();
        ElfVersionNeedPatcher.Patch(image, Needed, Version).ShouldBe(ElfPatchOutcome.AlreadyWeak);
        image.AsSpan().SequenceEqual(once).ShouldBeTrue();
    }

    [Fact]
    public void PatchFile_WritesACopyAndLeavesHardLinkedOriginalAlone()
    {
        string dir = Directory.CreateTempSubdirectory("torchmodel-elf").FullName;
        try
        {
            string path = Path.Combine(dir, "libLibTorchSharp.so");
            byte[] original = PackageLibrary();
            File.WriteAllBytes(path, original);
            ElfVersionNeedPatcher.PatchFile(path, Needed, Version).ShouldBe(ElfPatchOutcome.Patched);
            ElfVersionNeedPatcher.PatchFile(path, Needed, Version).ShouldBe(ElfPatchOutcome.AlreadyWeak);
            File.ReadAllBytes(path).Length.ShouldBe(original.Length);
            File.Exists(path + ".torchmodel-patch.tmp").ShouldBeFalse();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Patch_VersionNotNeeded_ReportsNotNeeded()
    {
        byte[] image = PackageLibrary();
        byte[] copy = (byte[])image.Clone();
        ElfVersionNeedPatcher.Patch(image, Needed, "GLIBCXX_9.9.99").ShouldBe(ElfPatchOutcome.NotNeeded);
        image.AsSpan().SequenceEqual(copy).ShouldBeTrue();
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "not an ELF file")]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1 }, "not an ELF file")]
    public void Patch_NonElfInput_IsRefused(byte[] prefix, string reason)
    {
        byte[] image = new byte[Math.Max(prefix.Length, 8)];
        prefix.CopyTo(image, 0);
        Should.Throw<ElfPatchException>(() => ElfVersionNeedPatcher.Patch(image, Needed, Version)).Message.ShouldContain(reason);
    }

    [Fact]
    public void Patch_32BitElf_IsRefused()
    {
        byte[] image = new byte[64];
        new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1 }.CopyTo(image, 0);
        Should.Throw<ElfPatchException>(() => ElfVersionNeedPatcher.Patch(image, Needed, Version)).Message.ShouldContain("not a 64-bit ELF file");
    }

    [Fact]
    public void Patch_TruncatedLibrary_IsRefused()
    {
        byte[] image = PackageLibrary()[..4096];
        Should.Throw<ElfPatchException>(() => ElfVersionNeedPatcher.Patch(image, Needed, Version));
    }

    [Fact]
    public void Patch_WhenARelocationUsesTheVersionedSymbol_IsRefused()
    {
        // Bind a symbol that has a relocation to the GLIBCXX_3.4.32 version index: the patcher must then refuse.
        byte[] image = PackageLibrary();
        ElfTestImage.BindRelocatedSymbolToVersion(image, Needed, Version);
        byte[] copy = (byte[])image.Clone();
        Should.Throw<ElfPatchException>(() => ElfVersionNeedPatcher.Patch(image, Needed, Version)).Message.ShouldContain("relocation");
        image.AsSpan().SequenceEqual(copy).ShouldBeTrue();
    }
}
