using TorchSharp;
using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using static TorchSharp.torch;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// Pickles a .NET object graph the way <c>torch.save</c> pickles the Python one (protocol 2): a state_dict as
/// <c>collections.OrderedDict</c>, other dictionaries as dict (int keys stay ints), lists, tuples, str, int (any size),
/// float, bool, None, bytes (protocol 2's <c>_codecs.encode</c>), tensors through <c>_rebuild_tensor_v2</c> over legacy
/// storage names with <c>('storage', type, key, location, numel)</c> persistent ids, <c>torch.Size</c>, dtypes and
/// devices. Tensors that share a CPU storage share one storage record again. Walks with an explicit stack.
/// </summary>
internal sealed class TorchSavePickler : IDisposable
{
    private const int Batch = 1000;

    private readonly MemoryStream _out = new();
    private readonly Dictionary<object, int> _memo = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _globals = new(StringComparer.Ordinal);
    private readonly Dictionary<nint, (string Key, Tensor Anchor, ScalarType Type, long Extent)> _cpuStorages = new();
    private readonly List<(string Key, Tensor Owned)> _ownStorages = new();
    private readonly List<Tensor> _temporaries = new();
    private int _nextMemo;
    private int _nextStorage;

    public static (byte[] Pickle, List<StorageToWrite> Storages, TorchSavePickler Owner) Pickle(object? root)
    {
        var p = new TorchSavePickler();
        try
        {
            p.Write(root);
            p.PatchNumels();
            return (p._out.ToArray(), p.StorageList(), p);
        }
        catch
        {
            p.Dispose();
            throw;
        }
    }

    private List<StorageToWrite> StorageList()
    {
        var result = new List<StorageToWrite>();
        foreach (var (_, (key, anchor, type, extent)) in _cpuStorages)
        {
            var whole = anchor.as_strided([extent], [1], 0);
            _temporaries.Add(whole);
            result.Add(new(key, whole, extent * anchor.element_size()));
        }
        foreach (var (key, owned) in _ownStorages) result.Add(new(key, owned, owned.numel() * owned.element_size()));
        // torch.save writes data/<key> in sorted key order.
        result.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    private void Write(object? root)
    {
        Op(0x80, 2);
        // Work items: a value to write, or raw opcodes to emit once the values before them are written.
        var work = new Stack<object?>();
        var open = new HashSet<object>(ReferenceEqualityComparer.Instance);
        work.Push(new Value(root));
        while (work.Count > 0)
        {
            var item = work.Pop();
            switch (item)
            {
                case byte[] ops: _out.Write(ops); break;
                case Close close: open.Remove(close.Container); break;
                case Value { Item: var value }: WriteValue(value, work, open); break;
            }
        }
        Op((byte)'.');
    }

    private sealed record Value(object? Item);

    private sealed record Close(object Container);

    private void WriteValue(object? value, Stack<object?> work, HashSet<object> open)
    {
        switch (value)
        {
            case null: Op((byte)'N'); return;
            case CheckpointValue v: WriteCheckpointValue(v, work, open); return;
            case bool b: Op(b ? (byte)0x88 : (byte)0x89); return;
            case string s: Str(s); return;
            case byte or sbyte or short or ushort or int or uint or long: Int(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); return;
            case ulong u: Big(u); return;
            case BigInteger big: Big(big); return;
            case float f: Float(f); return;
            case double d: Float(d); return;
            case Half h: Float((double)h); return;
            case decimal m: Float((double)m); return;
            case byte[] bytes: Bytes(bytes); return;
            case ReadOnlyMemory<byte> rom: Bytes(rom.ToArray()); return;
            case Tensor t: WriteTensor(t); return;
            case ScalarType dtype: DType(dtype); return;
            case Device device: WriteDevice(device.ToString()); return;
            case ITuple tuple:
            {
                var items = new object?[tuple.Length];
                for (int i = 0; i < items.Length; i++) items[i] = tuple[i];
                TupleOf(items, work);
                return;
            }
            case IReadOnlyDictionary<string, Tensor> stateDict:
                DictOf(value, stateDict.Select(static e => new KeyValuePair<object?, object?>(e.Key, e.Value)), ordered: true, work, open);
                return;
            case IDictionary dict:
                DictOf(value, Pairs(dict), ordered: false, work, open);
                return;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                DictOf(value, pairs.Select(static e => new KeyValuePair<object?, object?>(e.Key, e.Value)), ordered: false, work, open);
                return;
            case IEnumerable<KeyValuePair<string, Tensor>> tensors:
                DictOf(value, tensors.Select(static e => new KeyValuePair<object?, object?>(e.Key, e.Value)), ordered: true, work, open);
                return;
            case IList list:
                ListOf(value, list.Cast<object?>(), work, open);
                return;
            default:
                throw Throw.UnwritableValue(value.GetType());
        }
    }

    private static IEnumerable<KeyValuePair<object?, object?>> Pairs(IDictionary dict)
    {
        foreach (DictionaryEntry e in dict) yield return new(e.Key, e.Value);
    }

    private void WriteCheckpointValue(CheckpointValue v, Stack<object?> work, HashSet<object> open)
    {
        switch (v.Kind)
        {
            case CheckpointValueKind.None: Op((byte)'N'); return;
            case CheckpointValueKind.Bool: Op(v.AsBool() ? (byte)0x88 : (byte)0x89); return;
            case CheckpointValueKind.Int: Big(v.AsBigInteger()); return;
            case CheckpointValueKind.Float: Float(v.AsDouble()); return;
            case CheckpointValueKind.String: Str(v.AsString()); return;
            case CheckpointValueKind.Bytes: Bytes(v.AsBytes().ToArray()); return;
            case CheckpointValueKind.Tensor: WriteTensor(v.AsTensor()); return;
            case CheckpointValueKind.DType: DType(v.AsDType()); return;
            case CheckpointValueKind.Device: WriteDevice(v.AsDevice()); return;
            case CheckpointValueKind.Size: WriteSize(v.AsSize()); return;
            case CheckpointValueKind.Tuple: TupleOf(v.AsList().Cast<object?>().ToArray(), work); return;
            case CheckpointValueKind.List: ListOf(v, v.AsList(), work, open); return;
            case CheckpointValueKind.Dict:
                DictOf(v, v.AsDict().Select(static e => new KeyValuePair<object?, object?>(e.Key, e.Value)), v.IsOrderedDict, work, open);
                return;
        }
    }

    private bool Reused(object container, HashSet<object> open)
    {
        if (_memo.TryGetValue(container, out int id))
        {
            if (open.Contains(container)) throw Throw.SelfContainingCheckpoint();
            Get(id);
            return true;
        }
        return false;
    }

    private void DictOf(object container, IEnumerable<KeyValuePair<object?, object?>> pairs, bool ordered, Stack<object?> work, HashSet<object> open)
    {
        if (Reused(container, open)) return;
        if (ordered)
        {
            Global("collections", "OrderedDict");
            Op((byte)')', (byte)'R');
        }
        else Op((byte)'}');
        Put(container);
        var items = new List<object?>();
        foreach (var (key, value) in pairs)
        {
            if (key is not (string or bool or byte or sbyte or short or ushort or int or uint or long or ulong or BigInteger or float or double or null or CheckpointValue))
                throw Throw.UnwritableKey(key.GetType());
            items.Add(new Value(key));
            items.Add(new Value(value));
        }
        open.Add(container);
        var ops = new List<object?> { };
        for (int start = 0; start < items.Count; start += 2 * Batch)
        {
            int count = Math.Min(2 * Batch, items.Count - start);
            if (count == 2)
            {
                ops.Add(items[start]);
                ops.Add(items[start + 1]);
                ops.Add(new byte[] { (byte)'s' });
            }
            else
            {
                ops.Add(new byte[] { (byte)'(' });
                for (int i = 0; i < count; i++) ops.Add(items[start + i]);
                ops.Add(new byte[] { (byte)'u' });
            }
        }
        ops.Add(new Close(container));
        for (int i = ops.Count - 1; i >= 0; i--) work.Push(ops[i]);
    }

    private void ListOf(object container, IEnumerable<object?> values, Stack<object?> work, HashSet<object> open)
    {
        if (Reused(container, open)) return;
        Op((byte)']');
        Put(container);
        var items = values.Select(static v => (object?)new Value(v)).ToList();
        open.Add(container);
        var ops = new List<object?>();
        for (int start = 0; start < items.Count; start += Batch)
        {
            int count = Math.Min(Batch, items.Count - start);
            if (count == 1)
            {
                ops.Add(items[start]);
                ops.Add(new byte[] { (byte)'a' });
            }
            else
            {
                ops.Add(new byte[] { (byte)'(' });
                for (int i = 0; i < count; i++) ops.Add(items[start + i]);
                ops.Add(new byte[] { (byte)'e' });
            }
        }
        ops.Add(new Close(container));
        for (int i = ops.Count - 1; i >= 0; i--) work.Push(ops[i]);
    }

    private void TupleOf(object?[] items, Stack<object?> work)
    {
        var ops = new List<object?>();
        if (items.Length == 0)
        {
            Op((byte)')');
            return;
        }
        if (items.Length > 3) ops.Add(new byte[] { (byte)'(' });
        foreach (var i in items) ops.Add(new Value(i));
        ops.Add(new byte[] { items.Length switch { 1 => 0x85, 2 => 0x86, 3 => 0x87, _ => (byte)'t' } });
        for (int i = ops.Count - 1; i >= 0; i--) work.Push(ops[i]);
    }

    private void WriteTensor(Tensor tensor)
    {
        if (tensor.IsInvalid) throw Throw.DisposedCheckpointTensor();
        var type = tensor.dtype;
        if (!CheckpointDTypes.TryToStorage(type, out string storageName, out _))
            throw Throw.UnwritableDType(PythonLiteral.DType(type));
        if (tensor.is_sparse) throw Throw.UnwritableSparse();
        long[] size = tensor.shape;
        long[] stride;
        long offset;
        string key;
        long numelOfStorage;
        string location;
        if (tensor.device_type == DeviceType.CPU && tensor.numel() > 0)
        {
            stride = tensor.stride();
            offset = tensor.storage_offset();
            long extent = offset + 1;
            for (int i = 0; i < size.Length; i++) extent += (size[i] - 1) * stride[i];
            var anchor = tensor.detach();
            nint address;
            using (var first = anchor.as_strided([1], [1], 0))
                address = Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref MemoryMarshal.GetReference(first.bytes));
            if (_cpuStorages.TryGetValue(address, out var known))
            {
                anchor.Dispose();
                if (known.Type != type) throw Throw.StorageWithTwoDTypes();
                if (extent > known.Extent) _cpuStorages[address] = known with { Extent = extent };
                key = known.Key;
            }
            else
            {
                key = (_nextStorage++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _cpuStorages[address] = (key, anchor, type, extent);
            }
            numelOfStorage = -1; // patched below: the extent is known only after every tensor is seen
            location = "cpu";
        }
        else
        {
            // Non-CPU (or empty) tensors: a contiguous CPU copy becomes their own storage.
            var copy = tensor.detach().cpu().contiguous().clone();
            key = (_nextStorage++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _ownStorages.Add((key, copy));
            stride = copy.stride();
            offset = 0;
            numelOfStorage = copy.numel();
            location = tensor.device_type == DeviceType.CPU ? "cpu" : tensor.device.ToString();
            if (location == "cuda") location = "cuda:0";
        }
        Global("torch._utils", "_rebuild_tensor_v2");
        Op((byte)'(');
        Op((byte)'(');
        Str("storage");
        Global("torch", storageName);
        Str(key);
        Str(location);
        if (numelOfStorage >= 0) Int(numelOfStorage);
        else PendingNumel(key);
        Op((byte)'t', (byte)'Q');
        Int(offset);
        SizeTuple(size);
        SizeTuple(stride);
        Op(0x89);
        Global("collections", "OrderedDict");
        Op((byte)')', (byte)'R', (byte)'t', (byte)'R');
    }

    // The numel of a shared CPU storage is the largest extent of its views; it is written as a fixed-width BININT
    // placeholder (or LONG1 of 8 bytes) and patched when the pickle is finished.
    private readonly List<(long Position, string Key)> _pendingNumels = new();

    private void PendingNumel(string key)
    {
        _out.WriteByte(0x8a);
        _out.WriteByte(9);
        _pendingNumels.Add((_out.Position, key));
        _out.Write(new byte[9]);
    }

    private void PatchNumels()
    {
        var extents = _cpuStorages.Values.ToDictionary(static s => s.Key, static s => s.Extent, StringComparer.Ordinal);
        var buffer = _out.GetBuffer();
        foreach (var (position, key) in _pendingNumels)
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan((int)position), extents[key]); // 9th byte stays 0: positive
    }

    private void SizeTuple(long[] values)
    {
        switch (values.Length)
        {
            case 0: Op((byte)')'); return;
            case 1: Int(values[0]); Op(0x85); return;
            case 2: Int(values[0]); Int(values[1]); Op(0x86); return;
            case 3: Int(values[0]); Int(values[1]); Int(values[2]); Op(0x87); return;
            default:
                Op((byte)'(');
                foreach (long v in values) Int(v);
                Op((byte)'t');
                return;
        }
    }

    private void WriteSize(long[] values)
    {
        Global("torch", "Size");
        SizeTuple(values);
        Op(0x85, (byte)'R');
    }

    private void DType(ScalarType type)
    {
        string name = PythonLiteral.DType(type);
        Global("torch", name["torch.".Length..]);
    }

    private void WriteDevice(string device)
    {
        Global("torch", "device");
        int colon = device.IndexOf(':');
        if (colon < 0)
        {
            Str(device);
            Op(0x85, (byte)'R');
        }
        else
        {
            Str(device[..colon]);
            Int(long.Parse(device[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            Op(0x86, (byte)'R');
        }
    }

    private void Global(string module, string name)
    {
        string text = "c" + module + "\n" + name + "\n";
        if (_globals.TryGetValue(text, out int id))
        {
            Get(id);
            return;
        }
        _out.Write(Encoding.UTF8.GetBytes(text));
        _globals[text] = PutNew();
    }

    private void Str(string s)
    {
        if (_strings.TryGetValue(s, out int id))
        {
            Get(id);
            return;
        }
        if (!IsValidUtf16(s)) throw Throw.LoneSurrogate();
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        Span<byte> header = stackalloc byte[5];
        header[0] = (byte)'X';
        BinaryPrimitives.WriteUInt32LittleEndian(header[1..], (uint)bytes.Length);
        _out.Write(header);
        _out.Write(bytes);
        _strings[s] = PutNew();
    }

    private static bool IsValidUtf16(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return false;
        }
        return true;
    }

    private void Int(long v)
    {
        if (v is >= 0 and <= 0xff) Op((byte)'K', (byte)v);
        else if (v is >= 0 and <= 0xffff) Op((byte)'M', (byte)v, (byte)(v >> 8));
        else if (v is >= int.MinValue and <= int.MaxValue)
        {
            Span<byte> b = stackalloc byte[5];
            b[0] = (byte)'J';
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], (int)v);
            _out.Write(b);
        }
        else Big(v);
    }

    private void Big(BigInteger v)
    {
        if (v >= int.MinValue && v <= int.MaxValue)
        {
            Int((long)v);
            return;
        }
        byte[] bytes = v.ToByteArray(); // little-endian two's complement, as pickle's LONG1/LONG4
        if (bytes.Length < 256) Op(0x8a, (byte)bytes.Length);
        else
        {
            Span<byte> b = stackalloc byte[5];
            b[0] = 0x8b;
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], bytes.Length);
            _out.Write(b);
        }
        _out.Write(bytes);
    }

    private void Float(double d)
    {
        Span<byte> b = stackalloc byte[9];
        b[0] = (byte)'G';
        BinaryPrimitives.WriteDoubleBigEndian(b[1..], d);
        _out.Write(b);
    }

    private void Bytes(byte[] bytes)
    {
        // Protocol 2 (what torch.save uses) has no bytes opcode: Python writes _codecs.encode(latin-1 text, 'latin1').
        Global("_codecs", "encode");
        Str(Encoding.Latin1.GetString(bytes));
        Str("latin1");
        Op(0x86, (byte)'R');
    }

    private void Put(object container) => _memo[container] = PutNew();

    private int PutNew()
    {
        int id = _nextMemo++;
        if (id < 256) Op((byte)'q', (byte)id);
        else
        {
            Span<byte> b = stackalloc byte[5];
            b[0] = (byte)'r';
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], id);
            _out.Write(b);
        }
        return id;
    }

    private void Get(int id)
    {
        if (id < 256) Op((byte)'h', (byte)id);
        else
        {
            Span<byte> b = stackalloc byte[5];
            b[0] = (byte)'j';
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], id);
            _out.Write(b);
        }
    }

    private void Op(params ReadOnlySpan<byte> ops) => _out.Write(ops);

    public void Dispose()
    {
        foreach (var (_, (_, anchor, _, _)) in _cpuStorages) anchor.Dispose();
        foreach (var (_, owned) in _ownStorages) owned.Dispose();
        foreach (var t in _temporaries) t.Dispose();
    }
}
