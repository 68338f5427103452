// Marks one version need of an ELF shared library weak (VER_FLG_WEAK), so that the dynamic loader
// accepts the library on a host whose copy of the needed library lacks that version.
// Used by the PatchElfVersionNeed MSBuild task (below) and by the tests, which compile this file
// with ELF_PATCHER_NO_TASK defined.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace TorchModel.Build
{
    /// <summary>What <see cref="ElfVersionNeedPatcher.Patch"/> did to a file.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The version need was strong and is now weak.</summary>
        Patched,
        /// <summary>The version need was already weak; the file was not written.</summary>
        AlreadyWeak,
        /// <summary>The file does not need that version; the file was not written.</summary>
        NotNeeded,
    }

    /// <summary>A file the patcher will not change, with the reason.</summary>
    public sealed class ElfPatchException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public ElfPatchException(string message) : base(message) { }
    }

    /// <summary>Reads ELF64 little-endian shared objects through their headers and flips one
    /// <c>.gnu.version_r</c> entry to weak.</summary>
    public static class ElfVersionNeedPatcher
    {
        private const uint ShtRela = 4;
        private const uint ShtDynsym = 11;
        private const uint ShtRel = 9;
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;
        /// <summary>VER_FLG_WEAK from elf.h.</summary>
        public const ushort VerFlgWeak = 0x2;

        /// <summary>Where a version need entry lives in a file.</summary>
        public readonly struct VersionNeedEntry
        {
            /// <summary>Creates the entry.</summary>
            public VersionNeedEntry(string file, string name, ushort flags, ushort versionIndex, long flagsOffset)
            {
                File = file; Name = name; Flags = flags; VersionIndex = versionIndex; FlagsOffset = flagsOffset;
            }
            /// <summary>The needed library, e.g. <c>libstdc++.so.6</c>.</summary>
            public string File { get; }
            /// <summary>The version name, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
            public string Name { get; }
            /// <summary>The <c>vna_flags</c> value.</summary>
            public ushort Flags { get; }
            /// <summary>The <c>vna_other</c> value: the index symbols use in <c>.gnu.version</c>.</summary>
            public ushort VersionIndex { get; }
            /// <summary>The file offset of <c>vna_flags</c>.</summary>
            public long FlagsOffset { get; }
        }

        private readonly struct Section
        {
            public Section(uint type, long offset, long size, uint link, long entSize)
            {
                Type = type; Offset = offset; Size = size; Link = link; EntSize = entSize;
            }
            public uint Type { get; }
            public long Offset { get; }
            public long Size { get; }
            public uint Link { get; }
            public long EntSize { get; }
        }

        /// <summary>Lists every version need of the image (file, version name, flags).</summary>
        public static IReadOnlyList<VersionNeedEntry> ReadVersionNeeds(byte[] image)
        {
            var sections = ReadSections(image);
            var result = new List<VersionNeedEntry>();
            for (int s = 0; s < sections.Length; s++)
            {
                if (sections[s].Type != ShtGnuVerneed) continue;
                var strtab = SectionAt(sections, sections[s].Link, "verneed string table");
                long entry = sections[s].Offset;
                long end = sections[s].Offset + sections[s].Size;
                while (true)
                {
                    Require(entry + 16 <= end, "a .gnu.version_r entry runs past its section");
                    ushort count = U16(image, entry + 2);
                    string file = CString(image, strtab, U32(image, entry + 4));
                    long aux = entry + U32(image, entry + 8);
                    for (int i = 0; i < count; i++)
                    {
                        Require(aux + 16 <= end && aux >= sections[s].Offset, "a .gnu.version_r auxiliary entry runs past its section");
                        ushort flags = U16(image, aux + 4);
                        ushort other = U16(image, aux + 6);
                        string name = CString(image, strtab, U32(image, aux + 8));
                        result.Add(new VersionNeedEntry(file, name, flags, other, aux + 4));
                        uint nextAux = U32(image, aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(image, entry + 12);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return result;
        }

        /// <summary>Lists the version names the image defines (<c>.gnu.version_d</c>), e.g. a libstdc++'s GLIBCXX_* versions.</summary>
        public static IReadOnlyList<string> ReadVersionDefinitions(byte[] image)
        {
            var sections = ReadSections(image);
            var result = new List<string>();
            for (int s = 0; s < sections.Length; s++)
            {
                if (sections[s].Type != ShtGnuVerdef) continue;
                var strtab = SectionAt(sections, sections[s].Link, "verdef string table");
                long entry = sections[s].Offset;
                long end = sections[s].Offset + sections[s].Size;
                while (true)
                {
                    Require(entry + 20 <= end, "a .gnu.version_d entry runs past its section");
                    long aux = entry + U32(image, entry + 12);
                    Require(aux + 8 <= end, "a .gnu.version_d auxiliary entry runs past its section");
                    result.Add(CString(image, strtab, U32(image, aux)));
                    uint next = U32(image, entry + 16);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return result;
        }

        /// <summary>Makes the need for <paramref name="versionName"/> of <paramref name="neededFile"/> weak in
        /// <paramref name="image"/>, in memory. Refuses a file that is not an ELF64 little-endian shared object,
        /// or where a relocation refers to a symbol bound to that version (making it weak would then be unsafe).</summary>
        public static ElfPatchOutcome Patch(byte[] image, string neededFile, string versionName)
        {
            var sections = ReadSections(image);
            VersionNeedEntry? target = null;
            foreach (var need in ReadVersionNeeds(image))
            {
                if (need.File == neededFile && need.Name == versionName) { target = need; break; }
            }
            if (target is null) return ElfPatchOutcome.NotNeeded;
            var entry = target.Value;
            if ((entry.Flags & VerFlgWeak) != 0) return ElfPatchOutcome.AlreadyWeak;

            RefuseIfRelocated(image, sections, entry);
            ushort flags = (ushort)(entry.Flags | VerFlgWeak);
            image[entry.FlagsOffset] = (byte)flags;
            image[entry.FlagsOffset + 1] = (byte)(flags >> 8);
            return ElfPatchOutcome.Patched;
        }

        /// <summary>Patches the file at <paramref name="path"/> (see <see cref="Patch"/>), writing a new file and
        /// renaming it over the old one, so a hard link into a package cache is never written through.</summary>
        public static ElfPatchOutcome PatchFile(string path, string neededFile, string versionName)
        {
            byte[] image = File.ReadAllBytes(path);
            var outcome = Patch(image, neededFile, versionName);
            if (outcome != ElfPatchOutcome.Patched) return outcome;
            string temp = path + ".torchmodel-patch.tmp";
            File.WriteAllBytes(temp, image);
            // Delete, then rename: the new inode replaces the name, so a hard-linked cache file stays as it was.
            File.Delete(path);
            File.Move(temp, path);
            return outcome;
        }

        private static void RefuseIfRelocated(byte[] image, Section[] sections, VersionNeedEntry entry)
        {
            for (int d = 0; d < sections.Length; d++)
            {
                if (sections[d].Type != ShtDynsym) continue;
                int versym = -1;
                for (int v = 0; v < sections.Length; v++)
                {
                    if (sections[v].Type == ShtGnuVersym && sections[v].Link == d) versym = v;
                }
                Require(versym >= 0, "the dynamic symbol table has no .gnu.version section");
                long symbolCount = sections[d].Size / 24;
                Require(sections[versym].Size >= symbolCount * 2, ".gnu.version is shorter than the dynamic symbol table");
                var boundToVersion = new HashSet<long>();
                for (long i = 0; i < symbolCount; i++)
                {
                    if ((U16(image, sections[versym].Offset + i * 2) & 0x7fff) == entry.VersionIndex) boundToVersion.Add(i);
                }
                for (int r = 0; r < sections.Length; r++)
                {
                    if ((sections[r].Type != ShtRela && sections[r].Type != ShtRel) || sections[r].Link != d) continue;
                    long size = sections[r].Type == ShtRela ? 24 : 16;
                    for (long at = sections[r].Offset; at + size <= sections[r].Offset + sections[r].Size; at += size)
                    {
                        long symbol = (long)(U64(image, at + 8) >> 32);
                        if (boundToVersion.Contains(symbol))
                        {
                            string name = CString(image, SectionAt(sections, sections[d].Link, "dynamic string table"), U32(image, sections[d].Offset + symbol * 24));
                            throw new ElfPatchException($"a relocation refers to '{name}', which is bound to {entry.Name}; making that version weak could leave it unresolved");
                        }
                    }
                }
            }
        }

        private static Section[] ReadSections(byte[] image)
        {
            Require(image.Length >= 64 && image[0] == 0x7f && image[1] == (byte)'E' && image[2] == (byte)'L' && image[3] == (byte)'F', "not an ELF file (no \\x7fELF magic)");
            Require(image[4] == 2, "not a 64-bit ELF file");
            Require(image[5] == 1, "not a little-endian ELF file");
            Require(U16(image, 16) == 3, "not an ELF shared object (e_type is not ET_DYN)");
            long shoff = (long)U64(image, 0x28);
            int shentsize = U16(image, 0x3a);
            int shnum = U16(image, 0x3c);
            Require(shentsize == 64, "unexpected ELF section header size");
            Require(shnum > 0 && shoff > 0 && shoff + (long)shnum * shentsize <= image.Length, "the ELF section headers lie outside the file");
            var sections = new Section[shnum];
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                var section = new Section(U32(image, h + 4), (long)U64(image, h + 0x18), (long)U64(image, h + 0x20), U32(image, h + 0x28), (long)U64(image, h + 0x38));
                Require(section.Type == 8 /* SHT_NOBITS */ || section.Offset + section.Size <= image.Length, $"ELF section {i} lies outside the file");
                sections[i] = section;
            }
            return sections;
        }

        private static Section SectionAt(Section[] sections, uint index, string what)
        {
            Require(index < sections.Length, $"the {what} index is out of range");
            return sections[index];
        }

        private static string CString(byte[] image, Section strtab, uint offset)
        {
            long start = strtab.Offset + offset;
            Require(offset < strtab.Size, "a string offset lies outside its string table");
            long end = start;
            long limit = strtab.Offset + strtab.Size;
            while (end < limit && image[end] != 0) end++;
            return Encoding.ASCII.GetString(image, (int)start, (int)(end - start));
        }

        private static void Require(bool condition, string reason)
        {
            if (!condition) throw new ElfPatchException(reason);
        }

        private static ushort U16(byte[] b, long at) { Require(at + 2 <= b.Length, "read past the end of the file"); return (ushort)(b[at] | b[at + 1] << 8); }
        private static uint U32(byte[] b, long at) { Require(at + 4 <= b.Length, "read past the end of the file"); return (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24); }
        private static ulong U64(byte[] b, long at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
    }
}

#if !ELF_PATCHER_NO_TASK
namespace TorchModel.Build
{
    using System.Diagnostics;
    using System.Linq;
    using Microsoft.Build.Framework;

    /// <summary>MSBuild task: weakens the GLIBCXX_3.4.32 need of copies of libLibTorchSharp.so in an output folder,
    /// where the host's libstdc++ lacks that version.</summary>
    public sealed class PatchElfVersionNeed : Microsoft.Build.Utilities.Task
    {
        /// <summary>The copies to patch (never files in a package cache).</summary>
        [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
        /// <summary>The needed library whose version need is weakened.</summary>
        public string NeededFile { get; set; } = "libstdc++.so.6";
        /// <summary>The version to weaken.</summary>
        public string VersionName { get; set; } = "GLIBCXX_3.4.32";

        /// <inheritdoc />
        public override bool Execute()
        {
            if (Files.Length == 0) return true;
            string? hostLibrary = FindHostLibrary();
            if (hostLibrary is null)
            {
                Log.LogMessage(MessageImportance.Low, $"TorchModel: no host {NeededFile} found; leaving native libraries as they are.");
                return true;
            }
            try
            {
                if (ElfVersionNeedPatcher.ReadVersionDefinitions(File.ReadAllBytes(hostLibrary)).Contains(VersionName))
                {
                    Log.LogMessage(MessageImportance.Low, $"TorchModel: {hostLibrary} has {VersionName}; nothing to patch.");
                    return true;
                }
            }
            catch (Exception ex) when (ex is ElfPatchException || ex is IOException)
            {
                Log.LogWarning($"TorchModel: could not read {hostLibrary} ({ex.Message}); leaving native libraries as they are.");
                return true;
            }
            foreach (var item in Files)
            {
                string path = item.ItemSpec;
                try
                {
                    var outcome = ElfVersionNeedPatcher.PatchFile(path, NeededFile, VersionName);
                    var importance = outcome == ElfPatchOutcome.Patched ? MessageImportance.Normal : MessageImportance.Low;
                    Log.LogMessage(importance, $"TorchModel: {path}: {outcome} ({VersionName} of {NeededFile}; host {hostLibrary} lacks it).");
                }
                catch (Exception ex) when (ex is ElfPatchException || ex is IOException || ex is UnauthorizedAccessException)
                {
                    Log.LogWarning($"TorchModel: left {path} untouched: {ex.Message}. Set TorchModelPatchNativeLibraries=false to silence this.");
                }
            }
            return true;
        }

        private string? FindHostLibrary()
        {
            foreach (string candidate in LdconfigCandidates().Concat(new[]
            {
                "/usr/lib/x86_64-linux-gnu/" + NeededFile, "/lib/x86_64-linux-gnu/" + NeededFile,
                "/usr/lib/aarch64-linux-gnu/" + NeededFile, "/usr/lib64/" + NeededFile, "/usr/lib/" + NeededFile,
            }))
            {
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        private IEnumerable<string> LdconfigCandidates()
        {
            var found = new List<string>();
            try
            {
                var start = new ProcessStartInfo("ldconfig", "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                using var process = Process.Start(start);
                if (process is null) return found;
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit(10000);
                foreach (string line in output.Split('\n'))
                {
                    string trimmed = line.Trim();
                    if (!trimmed.StartsWith(NeededFile + " ", StringComparison.Ordinal)) continue;
                    if (!trimmed.Contains("x86-64") && !trimmed.Contains("AArch64")) continue;
                    int arrow = trimmed.IndexOf("=> ", StringComparison.Ordinal);
                    if (arrow >= 0) found.Add(trimmed.Substring(arrow + 3).Trim());
                }
            }
            catch (Exception ex)
            {
                Log.LogMessage(MessageImportance.Low, $"TorchModel: ldconfig -p failed ({ex.Message}).");
            }
            return found;
        }
    }
}
#endif
