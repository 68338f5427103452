using System.IO.Compression;
using Microsoft.Win32.SafeHandles;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// The data of one zip entry as a forward-only stream that yields exactly the entry's declared size: stored entries are
/// read in place with positional reads, deflated ones through a <see cref="DeflateStream"/> over their compressed bytes
/// only. Reading past the declared size, or data that ends early or runs on, is a <see cref="CheckpointFormatException"/>,
/// so a lying entry can never make the reader produce more than the bytes its consumer asked for.
/// </summary>
internal sealed class ZipEntryStream : Stream
{
    private readonly ZipEntryInfo _entry;
    private readonly Stream _source;
    private long _remaining;

    public ZipEntryStream(SafeFileHandle file, ZipEntryInfo entry)
    {
        _entry = entry;
        _remaining = entry.Size;
        var raw = new FileRange(file, entry.DataOffset, entry.CompressedSize);
        _source = entry.Deflated ? new DeflateStream(raw, CompressionMode.Decompress) : raw;
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length > _remaining) buffer = buffer[..(int)_remaining];
        if (buffer.Length == 0) return 0;
        int n;
        try
        {
            n = _source.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw Throw.Pickle($"the deflated data of {_entry.Name} is corrupt", e);
        }
        if (n == 0) throw Throw.Pickle($"{_entry.Name} ends before the {_entry.Size} bytes it declares");
        _remaining -= n;
        if (_remaining == 0 && _entry.Deflated)
        {
            Span<byte> one = stackalloc byte[1];
            int more;
            try { more = _source.Read(one); }
            catch (InvalidDataException e) { throw Throw.Pickle($"the deflated data of {_entry.Name} is corrupt", e); }
            if (more != 0) throw Throw.Pickle($"{_entry.Name} holds more than the {_entry.Size} bytes it declares");
        }
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    protected override void Dispose(bool disposing)
    {
        if (disposing) _source.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>A byte range of a file, read with positional reads (the file handle is shared, not owned).</summary>
    private sealed class FileRange(SafeFileHandle file, long offset, long length) : Stream
    {
        private long _position;

        public override int Read(Span<byte> buffer)
        {
            long left = length - _position;
            if (left <= 0) return 0;
            if (buffer.Length > left) buffer = buffer[..(int)left];
            int n = RandomAccess.Read(file, buffer, offset + _position);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long o, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int o, int count) => throw new NotSupportedException();
    }
}
