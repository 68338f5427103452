using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// Reads and validates a zip archive's central directory (zip64 included) the way a careful reader must: every number
/// range-checked in unsigned arithmetic, every entry's local header read and matched, no two entries with one name, no
/// two entries sharing bytes, nothing reaching past the central directory. Only stored and deflated entries, one disk,
/// no encryption. Every problem is a <see cref="CheckpointFormatException"/>.
/// </summary>
internal static class ZipDirectory
{
    /// <summary>The most entries read (documented in docs/checkpoints.md).</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>The largest central directory read.</summary>
    public const long MaxDirectoryBytes = 256L * 1024 * 1024;

    private const uint EndSignature = 0x06054b50, End64Signature = 0x06064b50, LocatorSignature = 0x07064b50;
    private const uint CentralSignature = 0x02014b50, LocalSignature = 0x04034b50;

    public static Dictionary<string, ZipEntryInfo> Read(SafeFileHandle file, long length)
    {
        if (length < 22) throw NotZip();
        int tailLength = (int)Math.Min(length, 22 + 65535);
        var tail = new byte[tailLength];
        ReadAt(file, tail, length - tailLength);
        int end = -1;
        for (int i = tailLength - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndSignature && i + 22 + BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 20)) <= tailLength)
            {
                end = i;
                break;
            }
        }
        if (end < 0) throw NotZip();
        long endOffset = length - tailLength + end;
        var e = tail.AsSpan(end);
        ulong disk = BinaryPrimitives.ReadUInt16LittleEndian(e[4..]), cdDisk = BinaryPrimitives.ReadUInt16LittleEndian(e[6..]);
        ulong countOnDisk = BinaryPrimitives.ReadUInt16LittleEndian(e[8..]), count = BinaryPrimitives.ReadUInt16LittleEndian(e[10..]);
        ulong cdSize = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]), cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(e[16..]);
        long directoryEnd = endOffset;
        if (count == 0xFFFF || countOnDisk == 0xFFFF || cdSize == 0xFFFFFFFF || cdOffset == 0xFFFFFFFF || disk == 0xFFFF || cdDisk == 0xFFFF)
        {
            if (endOffset < 20) throw Corrupt("the zip64 end-of-directory locator is missing");
            var locator = new byte[20];
            ReadAt(file, locator, endOffset - 20);
            if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != LocatorSignature) throw Corrupt("the zip64 end-of-directory locator is missing");
            ulong recordOffset = BinaryPrimitives.ReadUInt64LittleEndian(locator.AsSpan(8));
            if (recordOffset > (ulong)(endOffset - 20) || (ulong)(endOffset - 20) - recordOffset < 56)
                throw Corrupt($"the zip64 end-of-directory record offset {recordOffset} lies outside the archive");
            var record = new byte[56];
            ReadAt(file, record, (long)recordOffset);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) != End64Signature) throw Corrupt("the zip64 end-of-directory record is missing");
            disk = BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(16));
            cdDisk = BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(20));
            countOnDisk = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(24));
            count = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32));
            cdSize = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(40));
            cdOffset = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(48));
            directoryEnd = (long)recordOffset;
        }
        if (disk != 0 || cdDisk != 0 || countOnDisk != count) throw Corrupt("multi-disk archives are not read");
        if (cdOffset > (ulong)directoryEnd || cdSize > (ulong)directoryEnd - cdOffset)
            throw Corrupt($"the central directory (offset {cdOffset}, {cdSize} bytes) lies outside the archive");
        if (cdSize > MaxDirectoryBytes) throw Corrupt($"the central directory is {cdSize} bytes, over the {MaxDirectoryBytes}-byte limit");
        if (count > MaxEntries) throw Corrupt($"the archive has {count} entries, over the limit of {MaxEntries}");
        if (count > cdSize / 46) throw Corrupt($"the central directory of {cdSize} bytes cannot hold {count} entries");

        var directory = new byte[cdSize];
        ReadAt(file, directory, (long)cdOffset);
        var entries = new Dictionary<string, ZipEntryInfo>((int)count, StringComparer.Ordinal);
        var ordered = new List<ZipEntryInfo>((int)count);
        int pos = 0;
        var local = new byte[30];
        for (ulong n = 0; n < count; n++)
        {
            if (directory.Length - pos < 46 || BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(pos)) != CentralSignature)
                throw Corrupt($"central directory record {n} is damaged");
            var c = directory.AsSpan(pos);
            int flags = BinaryPrimitives.ReadUInt16LittleEndian(c[8..]);
            int method = BinaryPrimitives.ReadUInt16LittleEndian(c[10..]);
            ulong compressed = BinaryPrimitives.ReadUInt32LittleEndian(c[20..]);
            ulong size = BinaryPrimitives.ReadUInt32LittleEndian(c[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(c[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(c[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(c[32..]);
            ulong entryDisk = BinaryPrimitives.ReadUInt16LittleEndian(c[34..]);
            ulong offset = BinaryPrimitives.ReadUInt32LittleEndian(c[42..]);
            if (46L + nameLength + extraLength + commentLength > directory.Length - pos) throw Corrupt($"central directory record {n} is damaged");
            string name = DecodeName(c.Slice(46, nameLength));
            var extra = c.Slice(46 + nameLength, extraLength);
            if (size == 0xFFFFFFFF || compressed == 0xFFFFFFFF || offset == 0xFFFFFFFF || entryDisk == 0xFFFF)
                ReadZip64(extra, name, ref size, ref compressed, ref offset, ref entryDisk);
            pos += 46 + nameLength + extraLength + commentLength;

            if ((flags & 1) != 0) throw Corrupt($"{name} is encrypted");
            if (method is not (0 or 8)) throw Corrupt($"{name} uses compression method {method}; only stored and deflated entries are read");
            if (entryDisk != 0) throw Corrupt("multi-disk archives are not read");
            if (method == 0 && compressed != size) throw Corrupt($"{name} is stored but declares {compressed} bytes in the file and {size} bytes of data");
            if (offset > cdOffset || compressed > cdOffset || size > long.MaxValue)
                throw Corrupt($"{name} (offset {offset}, {compressed} bytes) lies outside the archive's data");
            ReadAt(file, local, (long)offset, $"the local header of {name}");
            if (BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalSignature) throw Corrupt($"the local header of {name} is missing");
            int localName = BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(26)), localExtra = BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(28));
            ulong dataOffset = offset + 30 + (ulong)localName + (ulong)localExtra;
            if (dataOffset > cdOffset || compressed > cdOffset - dataOffset)
                throw Corrupt($"{name} (offset {offset}, {compressed} bytes) lies outside the archive's data");
            if (localName != nameLength) throw Corrupt($"the local header of {name} names another entry");
            var localNameBytes = new byte[localName];
            ReadAt(file, localNameBytes, (long)offset + 30);
            if (!localNameBytes.AsSpan().SequenceEqual(c.Slice(46, nameLength))) throw Corrupt($"the local header of {name} names another entry");

            var info = new ZipEntryInfo(name, (long)offset, (long)dataOffset, (long)compressed, (long)size, method == 8);
            if (!entries.TryAdd(name, info)) throw Corrupt($"the archive has two entries named {name}; torch.load would read one and this reader another, so neither is read");
            ordered.Add(info);
        }
        ordered.Sort(static (a, b) => a.LocalHeaderOffset.CompareTo(b.LocalHeaderOffset));
        for (int i = 1; i < ordered.Count; i++)
        {
            var previous = ordered[i - 1];
            if (previous.DataOffset + previous.CompressedSize > ordered[i].LocalHeaderOffset)
                throw Corrupt($"entries {previous.Name} and {ordered[i].Name} overlap in the file");
        }
        return entries;
    }

    private static void ReadZip64(ReadOnlySpan<byte> extra, string name, ref ulong size, ref ulong compressed, ref ulong offset, ref ulong disk)
    {
        while (extra.Length >= 4)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (length > extra.Length - 4) break;
            if (id == 1)
            {
                var data = extra.Slice(4, length);
                if (size == 0xFFFFFFFF) size = Next(ref data, name);
                if (compressed == 0xFFFFFFFF) compressed = Next(ref data, name);
                if (offset == 0xFFFFFFFF) offset = Next(ref data, name);
                if (disk == 0xFFFF) disk = data.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(data) : throw Corrupt($"the zip64 field of {name} is too short");
                return;
            }
            extra = extra[(4 + length)..];
        }
        throw Corrupt($"{name} lacks the zip64 field its central record calls for");
    }

    private static ulong Next(ref ReadOnlySpan<byte> data, string name)
    {
        if (data.Length < 8) throw Corrupt($"the zip64 field of {name} is too short");
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(data);
        data = data[8..];
        if (value > long.MaxValue) throw Corrupt($"{name} declares a zip64 size or offset of {value}, past any file");
        return value;
    }

    private static string DecodeName(ReadOnlySpan<byte> bytes)
    {
        try { return new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException) { throw Corrupt("an entry name is not valid UTF-8"); }
    }

    public static void ReadAt(SafeFileHandle file, Span<byte> buffer, long offset, string? what = null)
    {
        while (buffer.Length > 0)
        {
            int n = RandomAccess.Read(file, buffer, offset);
            if (n == 0) throw Corrupt($"the file ends inside {what ?? "the zip directory"}");
            buffer = buffer[n..];
            offset += n;
        }
    }

    private static CheckpointFormatException NotZip()
        => Throw.Pickle("the file is not a zip archive; only the zip format torch.save writes by default since PyTorch 1.6 is read " +
                        "(re-save it with torch.save(state_dict, path) in a recent PyTorch)");

    private static CheckpointFormatException Corrupt(string problem) => Throw.Pickle("the zip archive is corrupt: " + problem);
}
