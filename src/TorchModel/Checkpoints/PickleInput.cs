namespace TorchModel.Internal.Checkpoints;

/// <summary>Buffered, forward-only reading of a pickle of known length: an item's length is checked against the bytes
/// left before anything is allocated for it.</summary>
internal sealed class PickleInput(Stream stream, long length)
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start, _end;
    private long _consumed;

    /// <summary>The offset of the next byte in the pickle, for error messages.</summary>
    public long Position => _consumed - (_end - _start);

    public long Remaining => length - Position;

    public byte ReadByte()
    {
        if (_start == _end && !Fill(1)) throw Throw.Pickle("data.pkl ends before its STOP opcode");
        return _buffer[_start++];
    }

    /// <summary>Returns the next <paramref name="count"/> bytes; the span is valid until the next read.</summary>
    public ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || count > Remaining) throw Throw.Pickle($"data.pkl ends inside an item of {count} bytes at byte {Position}");
        int n = (int)count;
        if (n <= _buffer.Length)
        {
            if (_end - _start < n) Fill(n);
            var span = _buffer.AsSpan(_start, n);
            _start += n;
            return span;
        }
        var large = new byte[n];
        int have = _end - _start;
        _buffer.AsSpan(_start, have).CopyTo(large);
        _start = _end;
        stream.ReadExactly(large.AsSpan(have));
        _consumed += n - have;
        return large;
    }

    /// <summary>Reads a line of at most <paramref name="max"/> bytes (the GLOBAL opcode's module and name).</summary>
    public string ReadLine(int max)
    {
        var bytes = new List<byte>();
        while (true)
        {
            byte b = ReadByte();
            if (b == (byte)'\n') break;
            if (bytes.Count >= max) throw Throw.Pickle($"data.pkl has a GLOBAL name longer than {max} bytes");
            bytes.Add(b);
        }
        try { return new System.Text.UTF8Encoding(false, true).GetString(bytes.ToArray()); }
        catch (System.Text.DecoderFallbackException e) { throw Throw.Pickle("data.pkl has a GLOBAL name that is not valid UTF-8", e); }
    }

    private bool Fill(int need)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        while (_end < need)
        {
            int want = (int)Math.Min(_buffer.Length - _end, length - _consumed);
            if (want <= 0) return false;
            int n = stream.Read(_buffer, _end, want);
            if (n == 0) throw Throw.Pickle("data.pkl ends before its STOP opcode");
            _end += n;
            _consumed += n;
        }
        return true;
    }
}
