using System.Buffers.Binary;
using System.Text;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// Writes a zip archive of stored (uncompressed) entries the way PyTorch's <c>PyTorchStreamWriter</c> does: each
/// entry's data aligned to 64 bytes through a padding extra field, CRC-32 of every entry, zip64 records when a size or
/// offset needs them. Entries are streamed: the local header is written first and its CRC patched afterwards.
/// </summary>
internal sealed class ZipWriter(FileStream stream)
{
    public const int Alignment = 64;

    private readonly List<(byte[] Name, long Offset, long Size, uint Crc)> _central = new();

    /// <summary>Writes one entry whose data <paramref name="writeData"/> produces through the given sink.</summary>
    public void Add(string name, long size, Action<Action<ReadOnlySpan<byte>>> writeData)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        long offset = stream.Position;
        bool zip64 = size >= 0xFFFFFFFFL;
        int zip64Length = zip64 ? 20 : 0;
        long dataStart = offset + 30 + nameBytes.Length + zip64Length + 4;
        int padding = (int)((Alignment - (dataStart % Alignment)) % Alignment);
        var header = new byte[30 + nameBytes.Length + zip64Length + 4 + padding];
        var h = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], zip64 ? (ushort)45 : (ushort)20);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 0x0800); // UTF-8 names
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 0); // stored
        BinaryPrimitives.WriteUInt32LittleEndian(h[10..], 0x00210000); // 1980-01-01 00:00, as PyTorch writes
        BinaryPrimitives.WriteUInt32LittleEndian(h[18..], zip64 ? 0xFFFFFFFF : (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(h[22..], zip64 ? 0xFFFFFFFF : (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)(zip64Length + 4 + padding));
        nameBytes.CopyTo(h[30..]);
        var extra = h[(30 + nameBytes.Length)..];
        if (zip64)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 1);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 16);
            BinaryPrimitives.WriteInt64LittleEndian(extra[4..], size);
            BinaryPrimitives.WriteInt64LittleEndian(extra[12..], size);
            extra = extra[20..];
        }
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x4246); // "FB": PyTorch's alignment padding field
        BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)padding);
        extra[4..].Fill((byte)'Z');
        stream.Write(header);

        uint crc = 0;
        long written = 0;
        writeData(bytes =>
        {
            crc = Crc32.Append(crc, bytes);
            written += bytes.Length;
            stream.Write(bytes);
        });
        if (written != size) throw Throw.EntrySizeChanged(name, size, written);
        long end = stream.Position;
        stream.Position = offset + 14;
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crcBytes, crc);
        stream.Write(crcBytes);
        stream.Position = end;
        _central.Add((nameBytes, offset, size, crc));
    }

    public void Add(string name, ReadOnlySpan<byte> data)
    {
        byte[] copy = data.ToArray();
        Add(name, copy.Length, sink => sink(copy));
    }

    /// <summary>Writes the central directory and the end records.</summary>
    public void Finish()
    {
        long cdStart = stream.Position;
        var buffer = new MemoryStream();
        foreach (var (name, offset, size, crc) in _central)
        {
            bool bigSize = size >= 0xFFFFFFFFL, bigOffset = offset >= 0xFFFFFFFFL;
            int zip64Length = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
            var record = new byte[46 + name.Length + (zip64Length > 0 ? 4 + zip64Length : 0)];
            var r = record.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(r, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(r[4..], zip64Length > 0 ? (ushort)45 : (ushort)20);
            BinaryPrimitives.WriteUInt16LittleEndian(r[6..], zip64Length > 0 ? (ushort)45 : (ushort)20);
            BinaryPrimitives.WriteUInt16LittleEndian(r[8..], 0x0800);
            BinaryPrimitives.WriteUInt32LittleEndian(r[12..], 0x00210000);
            BinaryPrimitives.WriteUInt32LittleEndian(r[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(r[20..], bigSize ? 0xFFFFFFFF : (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(r[24..], bigSize ? 0xFFFFFFFF : (uint)size);
            BinaryPrimitives.WriteUInt16LittleEndian(r[28..], (ushort)name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(r[30..], (ushort)(zip64Length > 0 ? 4 + zip64Length : 0));
            BinaryPrimitives.WriteUInt32LittleEndian(r[42..], bigOffset ? 0xFFFFFFFF : (uint)offset);
            name.CopyTo(r[46..]);
            if (zip64Length > 0)
            {
                var e = r[(46 + name.Length)..];
                BinaryPrimitives.WriteUInt16LittleEndian(e, 1);
                BinaryPrimitives.WriteUInt16LittleEndian(e[2..], (ushort)zip64Length);
                int at = 4;
                if (bigSize)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(e[at..], size);
                    BinaryPrimitives.WriteInt64LittleEndian(e[(at + 8)..], size);
                    at += 16;
                }
                if (bigOffset) BinaryPrimitives.WriteInt64LittleEndian(e[at..], offset);
            }
            buffer.Write(record);
        }
        stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        long cdSize = buffer.Length;
        long count = _central.Count;
        bool zip64End = cdStart >= 0xFFFFFFFFL || cdSize >= 0xFFFFFFFFL || count >= 0xFFFF;
        if (zip64End)
        {
            long recordOffset = stream.Position;
            var z = new byte[56 + 20];
            var s = z.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(s, 0x06064b50);
            BinaryPrimitives.WriteInt64LittleEndian(s[4..], 44);
            BinaryPrimitives.WriteUInt16LittleEndian(s[12..], 45);
            BinaryPrimitives.WriteUInt16LittleEndian(s[14..], 45);
            BinaryPrimitives.WriteInt64LittleEndian(s[24..], count);
            BinaryPrimitives.WriteInt64LittleEndian(s[32..], count);
            BinaryPrimitives.WriteInt64LittleEndian(s[40..], cdSize);
            BinaryPrimitives.WriteInt64LittleEndian(s[48..], cdStart);
            BinaryPrimitives.WriteUInt32LittleEndian(s[56..], 0x07064b50);
            BinaryPrimitives.WriteInt64LittleEndian(s[64..], recordOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(s[72..], 1);
            stream.Write(z);
        }
        var end = new byte[22];
        var d = end.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(d, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(d[8..], zip64End ? (ushort)0xFFFF : (ushort)count);
        BinaryPrimitives.WriteUInt16LittleEndian(d[10..], zip64End ? (ushort)0xFFFF : (ushort)count);
        BinaryPrimitives.WriteUInt32LittleEndian(d[12..], zip64End ? 0xFFFFFFFF : (uint)cdSize);
        BinaryPrimitives.WriteUInt32LittleEndian(d[16..], zip64End ? 0xFFFFFFFF : (uint)cdStart);
        stream.Write(end);
    }
}
