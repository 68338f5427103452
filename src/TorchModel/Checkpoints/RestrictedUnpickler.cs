using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// A pickle virtual machine restricted to what <c>torch.save(state_dict)</c> writes, as PyTorch's
/// <c>torch.load(weights_only=True)</c>: it builds only tuples, lists, dicts, strings, numbers and the allowed torch
/// globals, and refuses every other global by name. It never runs or constructs anything else.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private static readonly object Mark = new();

    private readonly byte[] _data;
    private readonly Dictionary<string, StorageRef> _storages = new(StringComparer.Ordinal);
    private readonly List<object?> _stack = new();
    private readonly List<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _pos;

    private RestrictedUnpickler(byte[] data) => _data = data;

    /// <summary>Runs the pickle and returns its result.</summary>
    public static object? Load(byte[] data) => new RestrictedUnpickler(data).Run();

    private object? Run()
    {
        while (true)
        {
            int at = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break; // PROTO
                case 0x95: Take(8); break; // FRAME
                case (byte)'.': // STOP
                    if (_stack.Count != 1) throw Throw.Pickle($"the pickle stops with {_stack.Count} values on its stack instead of 1");
                    return _stack[0];
                case (byte)'(': _marks.Add(_stack.Count); break; // MARK
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopMark(); break; // POP_MARK
                case (byte)'2': Push(Peek()); break; // DUP
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break; // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte())); break; // LONG1
                case 0x8b: Push(ReadLong(ReadLength(BinaryPrimitives.ReadInt32LittleEndian(Take(4))))); break; // LONG4
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'X': Push(Utf8(Take(ReadLength(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))))); break; // BINUNICODE
                case 0x8c: Push(Utf8(Take(ReadByte()))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(Take(ReadLength(BinaryPrimitives.ReadInt64LittleEndian(Take(8)))))); break; // BINUNICODE8
                case (byte)'U': Push(Encoding.Latin1.GetString(Take(ReadByte()))); break; // SHORT_BINSTRING
                case (byte)'T': Push(Encoding.Latin1.GetString(Take(ReadLength(BinaryPrimitives.ReadInt32LittleEndian(Take(4)))))); break; // BINSTRING
                case (byte)')': Push(new PyTuple([])); break; // EMPTY_TUPLE
                case (byte)'t': Push(new PyTuple(PopMark().ToArray())); break; // TUPLE
                case 0x85: Push(new PyTuple([Pop()])); break; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new PyTuple([a, b])); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PyTuple([a, b, c])); break; } // TUPLE3
                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)'l': Push(PopMark()); break; // LIST
                case (byte)'a': { var v = Pop(); As<List<object?>>(Peek(), "APPEND").Add(v); break; }
                case (byte)'e': { var items = PopMark(); As<List<object?>>(Peek(), "APPENDS").AddRange(items); break; }
                case (byte)'}': Push(new PyDict()); break; // EMPTY_DICT
                case (byte)'d': { var items = PopMark(); var d = new PyDict(); SetItems(d, items); Push(d); break; } // DICT
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItems(As<PyDict>(Peek(), "SETITEM"), [k, v]); break; }
                case (byte)'u': { var items = PopMark(); SetItems(As<PyDict>(Peek(), "SETITEMS"), items); break; }
                case (byte)'q': _memo[ReadByte()] = Peek(); break; // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE
                case (byte)'h': Push(Memo(ReadByte())); break; // BINGET
                case (byte)'j': Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // LONG_BINGET
                case (byte)'c': { string module = ReadLine(); string name = ReadLine(); Push(Global(module, name)); break; } // GLOBAL
                case 0x93: { var name = As<string>(Pop(), "STACK_GLOBAL"); var module = As<string>(Pop(), "STACK_GLOBAL"); Push(Global(module, name)); break; }
                case (byte)'R': { var args = As<PyTuple>(Pop(), "REDUCE"); var callable = Pop(); Push(Reduce(callable, args)); break; }
                case (byte)'b': { var state = Pop(); Build(Peek(), state); break; } // BUILD
                case (byte)'Q': Push(PersistentLoad(Pop())); break; // BINPERSID
                default:
                    throw Throw.Pickle($"data.pkl uses pickle opcode 0x{op:x2} at byte {at}, which a state_dict does not need");
            }
        }
    }

    private byte ReadByte()
    {
        if (_pos >= _data.Length) throw Throw.Pickle("data.pkl ends before its STOP opcode");
        return _data[_pos++];
    }

    private static int ReadLength(long length)
        => length < 0 || length > int.MaxValue ? throw Throw.Pickle($"data.pkl has an item length of {length}") : (int)length;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _pos) throw Throw.Pickle($"data.pkl ends inside an item of {count} bytes at byte {_pos}");
        var span = _data.AsSpan(_pos, count);
        _pos += count;
        return span;
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Throw.Pickle("data.pkl ends inside a GLOBAL name");
        string line = Encoding.UTF8.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return line;
    }

    private static string Utf8(ReadOnlySpan<byte> bytes)
    {
        try { return new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException e) { throw Throw.Pickle("data.pkl holds a string that is not valid UTF-8", e); }
    }

    private long ReadLong(int count)
    {
        if (count > 8) throw Throw.Pickle($"data.pkl holds an integer of {count} bytes, larger than 64 bits");
        var bytes = Take(count);
        return count == 0 ? 0 : (long)new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
    }

    private void Push(object? value) => _stack.Add(value);

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count))
            throw Throw.Pickle($"data.pkl pops an empty stack at byte {_pos - 1}");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        if (_stack.Count == 0) throw Throw.Pickle($"data.pkl reads an empty stack at byte {_pos - 1}");
        return _stack[^1];
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Throw.Pickle($"data.pkl uses a mark it never set at byte {_pos - 1}");
        int start = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private object? Memo(long key)
        => _memo.TryGetValue(key, out var value) ? value : throw Throw.Pickle($"data.pkl reads memo entry {key}, which it never stored");

    private T As<T>(object? value, string opcode)
        => value is T typed ? typed : throw Throw.Pickle($"data.pkl applies {opcode} to {Describe(value)} at byte {_pos - 1}");

    private static void SetItems(PyDict dict, List<object?> items)
    {
        if (items.Count % 2 != 0) throw Throw.Pickle("data.pkl sets dict items from an odd number of values");
        for (int i = 0; i < items.Count; i += 2)
        {
            var key = items[i];
            if (key is not (string or long or bool or double)) throw Throw.Pickle($"data.pkl uses {Describe(key)} as a dict key");
            dict.Set(key, items[i + 1]);
        }
    }

    private static object Global(string module, string name)
    {
        bool allowed = (module, name) switch
        {
            ("collections", "OrderedDict") => true,
            ("torch._utils", "_rebuild_tensor_v2") => true,
            ("torch._utils", "_rebuild_parameter") => true,
            ("torch", "Size") => true,
            ("torch", _) when CheckpointDTypes.IsStorageName(name) => true,
            _ => false,
        };
        return allowed ? new PyGlobal(module, name) : throw Throw.ForbiddenGlobal(module, name);
    }

    private object Reduce(object? callable, PyTuple args)
    {
        var global = As<PyGlobal>(callable, "REDUCE");
        var a = args.Items;
        switch (global.Module, global.Name)
        {
            case ("collections", "OrderedDict"):
            {
                var dict = new PyDict();
                if (a.Length == 0) return dict;
                if (a.Length == 1 && a[0] is List<object?> pairs)
                {
                    foreach (var pair in pairs)
                    {
                        var kv = As<PyTuple>(pair, "OrderedDict");
                        if (kv.Items.Length != 2) throw Throw.Pickle("data.pkl builds an OrderedDict from a tuple that is not a (key, value) pair");
                        SetItems(dict, [kv.Items[0], kv.Items[1]]);
                    }
                    return dict;
                }
                throw Throw.Pickle("data.pkl calls collections.OrderedDict with arguments other than () or a list of pairs");
            }
            case ("torch._utils", "_rebuild_tensor_v2"):
            {
                if (a.Length is not (6 or 7)) throw Throw.Pickle($"data.pkl calls torch._utils._rebuild_tensor_v2 with {a.Length} arguments instead of 6 or 7");
                var storage = As<StorageRef>(a[0], "_rebuild_tensor_v2");
                long offset = As<long>(a[1], "_rebuild_tensor_v2");
                long[] size = Longs(a[2]);
                long[] stride = Longs(a[3]);
                return new TensorRef(storage, offset, size, stride);
            }
            case ("torch._utils", "_rebuild_parameter"):
            {
                if (a.Length != 3) throw Throw.Pickle($"data.pkl calls torch._utils._rebuild_parameter with {a.Length} arguments instead of 3");
                return As<TensorRef>(a[0], "_rebuild_parameter");
            }
            case ("torch", "Size"):
                if (a.Length != 1) throw Throw.Pickle("data.pkl calls torch.Size with other than one argument");
                return new PyTuple(Longs(a[0]).Cast<object?>().ToArray());
            default:
                throw Throw.Pickle($"data.pkl calls {global.Module}.{global.Name}, which a state_dict never calls");
        }
    }

    private long[] Longs(object? value)
    {
        var tuple = As<PyTuple>(value, "a tensor size or stride");
        var result = new long[tuple.Items.Length];
        for (int i = 0; i < result.Length; i++) result[i] = As<long>(tuple.Items[i], "a tensor size or stride");
        return result;
    }

    private static void Build(object? target, object? state)
    {
        // OrderedDict's reduce sets instance attributes such as state_dict's _metadata; they carry no tensors.
        if (target is PyDict && state is PyDict or PyTuple or null) return;
        throw Throw.Pickle($"data.pkl sets the state of {Describe(target)}, which a state_dict never does");
    }

    private StorageRef PersistentLoad(object? pid)
    {
        var t = As<PyTuple>(pid, "BINPERSID").Items;
        if (t.Length != 5 || t[0] is not "storage")
            throw Throw.Pickle("data.pkl has a persistent id that is not ('storage', type, key, location, numel)");
        var type = As<PyGlobal>(t[1], "a storage record");
        if (type.Module != "torch" || !CheckpointDTypes.IsStorageName(type.Name))
            throw Throw.Pickle($"data.pkl names storage type {type.Module}.{type.Name}");
        string key = As<string>(t[2], "a storage record");
        string location = As<string>(t[3], "a storage record");
        long numel = As<long>(t[4], "a storage record");
        if (numel < 0) throw Throw.Pickle($"storage '{key}' has a negative size {numel}");
        var (scalar, size) = CheckpointDTypes.FromStorage(type.Name);
        if (_storages.TryGetValue(key, out var known))
        {
            if (known.Type != scalar || known.Numel != numel)
                throw Throw.Pickle($"storage '{key}' is named twice with different types or sizes");
            return known;
        }
        var storage = new StorageRef(key, scalar, size, numel, location);
        _storages[key] = storage;
        return storage;
    }

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        string => "a str",
        long => "an int",
        double => "a float",
        bool => "a bool",
        PyTuple => "a tuple",
        List<object?> => "a list",
        PyDict => "a dict",
        PyGlobal g => $"{g.Module}.{g.Name}",
        StorageRef => "a storage",
        TensorRef => "a tensor",
        _ => value.GetType().Name,
    };
}
