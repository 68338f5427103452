using System.Buffers.Binary;
using TorchModel.Build;

namespace TorchModel.Tests.NativeFix;

/// <summary>Builds hostile variants of a real ELF image for the patcher's refusal tests.</summary>
internal static class ElfTestImage
{
    /// <summary>Rewrites the <c>.gnu.version</c> entry of the first symbol that a relocation uses so that it names
    /// the given version need.</summary>
    public static void BindRelocatedSymbolToVersion(byte[] image, string neededFile, string versionName)
    {
        ushort index = ElfVersionNeedPatcher.ReadVersionNeeds(image).Single(n => n.File == neededFile && n.Name == versionName).VersionIndex;
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(0x28));
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(0x3c));
        (uint Type, long Offset, long Size, uint Link) Section(int i)
        {
            var h = image.AsSpan((int)(shoff + i * 64L));
            return (BinaryPrimitives.ReadUInt32LittleEndian(h[4..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(h[0x18..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(h[0x20..]), BinaryPrimitives.ReadUInt32LittleEndian(h[0x28..]));
        }
        int versym = Enumerable.Range(0, shnum).First(i => Section(i).Type == 0x6fffffff);
        int dynsym = (int)Section(versym).Link;
        int rela = Enumerable.Range(0, shnum).First(i => Section(i).Type == 4 && Section(i).Link == dynsym);
        var r = Section(rela);
        for (long at = r.Offset; at + 24 <= r.Offset + r.Size; at += 24)
        {
            long symbol = (long)(BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan((int)(at + 8))) >> 32);
            if (symbol == 0) continue;
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan((int)(Section(versym).Offset + symbol * 2)), index);
            return;
        }
        throw new InvalidOperationException("no relocation with a symbol found");
    }
}
