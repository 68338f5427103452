using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TorchModel.Internal.Checkpoints;

/// <summary>The zip format's CRC-32 (reflected polynomial 0xEDB88320): carry-less-multiply folding where the CPU has
/// it, a slicing-by-8 table otherwise, so that writing a checkpoint is not bound by the checksum.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues a CRC over <paramref name="data"/>; start with 0, the result is the finished CRC of all bytes so far.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        if (Pclmulqdq.IsSupported && Sse2.IsSupported && data.Length >= 128)
        {
            // The folded 128-bit remainder, run through the table from a zero state, continues the CRC exactly.
            int folded = data.Length & ~63;
            state = Scalar(0, Fold(state, data[..folded]));
            data = data[folded..];
        }
        return ~Scalar(state, data);
    }

    private static byte[] Fold(uint state, ReadOnlySpan<byte> data)
    {
        // Folding by four 128-bit lanes (64 bytes apart), then by one, with the constants of Intel's
        // "Fast CRC Computation Using PCLMULQDQ" for the reflected CRC-32 polynomial.
        var k1k2 = Vector128.Create(0x154442bd4UL, 0x1c6e41596UL);
        var k3k4 = Vector128.Create(0x1751997d0UL, 0x0ccaa009eUL);
        var x0 = Load(data, 0) ^ Vector128.Create(state, 0u, 0u, 0u).AsUInt64();
        var x1 = Load(data, 16);
        var x2 = Load(data, 32);
        var x3 = Load(data, 48);
        for (int at = 64; at < data.Length; at += 64)
        {
            x0 = FoldInto(x0, k1k2, Load(data, at));
            x1 = FoldInto(x1, k1k2, Load(data, at + 16));
            x2 = FoldInto(x2, k1k2, Load(data, at + 32));
            x3 = FoldInto(x3, k1k2, Load(data, at + 48));
        }
        var x = FoldInto(x0, k3k4, x1);
        x = FoldInto(x, k3k4, x2);
        x = FoldInto(x, k3k4, x3);
        var bytes = new byte[16];
        x.AsByte().CopyTo(bytes);
        return bytes;
    }

    private static Vector128<ulong> FoldInto(Vector128<ulong> x, Vector128<ulong> k, Vector128<ulong> next)
        => Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11) ^ next;

    private static Vector128<ulong> Load(ReadOnlySpan<byte> data, int at) => Vector128.Create(data.Slice(at, 16)).AsUInt64();

    private static uint Scalar(uint state, ReadOnlySpan<byte> data)
    {
        var t = Table;
        while (data.Length >= 8)
        {
            uint one = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            uint two = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = t[(7 * 256) + (one & 0xff)] ^ t[(6 * 256) + ((one >> 8) & 0xff)] ^ t[(5 * 256) + ((one >> 16) & 0xff)] ^ t[(4 * 256) + (one >> 24)]
                  ^ t[(3 * 256) + (two & 0xff)] ^ t[(2 * 256) + ((two >> 8) & 0xff)] ^ t[256 + ((two >> 16) & 0xff)] ^ t[two >> 24];
            data = data[8..];
        }
        foreach (byte b in data) state = t[(state ^ b) & 0xff] ^ (state >> 8);
        return state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        for (int slice = 1; slice < 8; slice++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint prev = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (prev >> 8) ^ table[prev & 0xff];
            }
        }
        return table;
    }
}
