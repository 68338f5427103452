using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// A pickle virtual machine restricted to what PyTorch 2.x's <c>torch.load(weights_only=True)</c> allows: it builds
/// dicts, OrderedDicts, lists, tuples, strings, bytes, numbers, bools, None, tensors (as views of storages named by
/// persistent ids), <c>torch.Size</c>, <c>torch.dtype</c> and <c>torch.device</c>, and refuses every other global by
/// name with the path in the tree where it sits. It never runs or constructs anything else.
/// </summary>
/// <remarks>
/// Bounds (each a <see cref="CheckpointFormatException"/> when exceeded): <see cref="MaxStack"/> values on the stack,
/// <see cref="MaxMarks"/> open marks, <see cref="MaxTensors"/> tensors, integers of at most <see cref="MaxIntBytes"/>
/// bytes, and an object tree of at most <see cref="TreeBudgetBytes"/> plus the pickle's own size (estimated managed
/// bytes), so that a small file cannot make the reader allocate much more than the file. Dict keys are hashed with a
/// process-seeded hash, so colliding keys cannot make building a dict quadratic.
/// </remarks>
internal sealed class RestrictedUnpickler
{
    public const int MaxStack = 100_000;
    public const int MaxMarks = 100_000;
    public const int MaxTensors = 1_000_000;
    public const int MaxIntBytes = 1024;
    public const long TreeBudgetBytes = 48L * 1024 * 1024;

    private const int ValueCost = 40;

    private readonly PickleInput _in;
    private readonly Dictionary<string, StorageRef> _storages = new(StringComparer.Ordinal);
    private readonly List<object?> _stack = new();
    private readonly List<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new(CheckpointKeyComparer.Instance);
    private readonly long _budget;
    private long _spent;

    private RestrictedUnpickler(Stream data, long length)
    {
        _in = new PickleInput(data, length);
        _budget = TreeBudgetBytes + length;
    }

    /// <summary>The tensors in the order the pickle made them.</summary>
    public List<TensorSlot> Tensors { get; } = new();

    /// <summary>Runs the pickle and returns its result.</summary>
    public static (CheckpointValue Root, List<TensorSlot> Tensors) Load(Stream data, long length)
    {
        var vm = new RestrictedUnpickler(data, length);
        var root = vm.Run();
        return (root, vm.Tensors);
    }

    private CheckpointValue Run()
    {
        while (true)
        {
            long at = _in.Position;
            byte op = _in.ReadByte();
            switch (op)
            {
                case 0x80: _in.ReadByte(); break; // PROTO
                case 0x95: _in.Take(8); break; // FRAME
                case (byte)'.': // STOP
                    if (_stack.Count != 1 || _marks.Count != 0) throw Throw.Pickle($"the pickle stops with {_stack.Count} values on its stack instead of 1");
                    return AsValue(_stack[0], "the result");
                case (byte)'(': // MARK
                    if (_marks.Count >= MaxMarks) throw Throw.Pickle($"data.pkl opens more than {MaxMarks} marks");
                    _marks.Add(_stack.Count);
                    break;
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopMark(); break; // POP_MARK
                case (byte)'2': Push(Peek()); break; // DUP
                case (byte)'N': Push(CheckpointValue.None); break;
                case 0x88: Push(CheckpointValue.Bool(true)); break; // NEWTRUE
                case 0x89: Push(CheckpointValue.Bool(false)); break; // NEWFALSE
                case (byte)'J': Push(Int(BinaryPrimitives.ReadInt32LittleEndian(_in.Take(4)))); break; // BININT
                case (byte)'K': Push(Int(_in.ReadByte())); break; // BININT1
                case (byte)'M': Push(Int(BinaryPrimitives.ReadUInt16LittleEndian(_in.Take(2)))); break; // BININT2
                case 0x8a: Push(Long(_in.ReadByte())); break; // LONG1
                case 0x8b: Push(Long(BinaryPrimitives.ReadInt32LittleEndian(_in.Take(4)))); break; // LONG4
                case (byte)'G': Charge(ValueCost); Push(CheckpointValue.Float(BinaryPrimitives.ReadDoubleBigEndian(_in.Take(8)))); break; // BINFLOAT
                case (byte)'X': Push(Str(Utf8(_in.Take(BinaryPrimitives.ReadUInt32LittleEndian(_in.Take(4)))))); break; // BINUNICODE
                case 0x8c: Push(Str(Utf8(_in.Take(_in.ReadByte())))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Str(Utf8(_in.Take(BinaryPrimitives.ReadInt64LittleEndian(_in.Take(8)))))); break; // BINUNICODE8
                case (byte)'U': Push(Str(Encoding.Latin1.GetString(_in.Take(_in.ReadByte())))); break; // SHORT_BINSTRING
                case (byte)'T': Push(Str(Encoding.Latin1.GetString(_in.Take(BinaryPrimitives.ReadInt32LittleEndian(_in.Take(4)))))); break; // BINSTRING
                case (byte)'C': Push(Bytes(_in.Take(_in.ReadByte()))); break; // SHORT_BINBYTES
                case (byte)'B': Push(Bytes(_in.Take(BinaryPrimitives.ReadUInt32LittleEndian(_in.Take(4))))); break; // BINBYTES
                case 0x8e: Push(Bytes(_in.Take(BinaryPrimitives.ReadInt64LittleEndian(_in.Take(8))))); break; // BINBYTES8
                case 0x96: Push(Bytes(_in.Take(BinaryPrimitives.ReadInt64LittleEndian(_in.Take(8))))); break; // BYTEARRAY8
                case (byte)')': Push(Tuple([])); break; // EMPTY_TUPLE
                case (byte)'t': { var items = PopMark(); Push(MakeTuple(items)); break; }
                case 0x85: { var a = Pop(); Push(Tuple([AsValue(a, "TUPLE1")])); break; }
                case 0x86: { var b = Pop(); var a = Pop(); Push(Tuple([AsValue(a, "TUPLE2"), AsValue(b, "TUPLE2")])); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(Tuple([AsValue(a, "TUPLE3"), AsValue(b, "TUPLE3"), AsValue(c, "TUPLE3")])); break; }
                case (byte)']': Charge(ValueCost * 2); Push(CheckpointValue.List(new List<CheckpointValue>())); break; // EMPTY_LIST
                case (byte)'l': { var items = PopMark(); Charge(ValueCost * 2 + (8L * items.Count)); Push(CheckpointValue.List(new List<CheckpointValue>(Values(items, "LIST")))); break; }
                case (byte)'a': { var v = Pop(); Charge(8); ListOf(Peek(), "APPEND").Add(AsValue(v, "APPEND")); break; }
                case (byte)'e': { var items = PopMark(); Charge(8L * items.Count); ListOf(Peek(), "APPENDS").AddRange(Values(items, "APPENDS")); break; }
                case (byte)'}': Push(NewDict(false)); break; // EMPTY_DICT
                case (byte)'d': { var items = PopMark(); var d = NewDict(false); SetItems(d.AsDict(), items, "DICT"); Push(d); break; }
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItems(DictOf(Peek(), "SETITEM"), [k, v], "SETITEM"); break; }
                case (byte)'u': { var items = PopMark(); SetItems(DictOf(Peek(), "SETITEMS"), items, "SETITEMS"); break; }
                case (byte)'q': Memoize(_in.ReadByte()); break; // BINPUT
                case (byte)'r': Memoize(BinaryPrimitives.ReadUInt32LittleEndian(_in.Take(4))); break; // LONG_BINPUT
                case 0x94: Memoize(_memo.Count); break; // MEMOIZE
                case (byte)'h': Push(Memo(_in.ReadByte())); break; // BINGET
                case (byte)'j': Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(_in.Take(4)))); break; // LONG_BINGET
                case (byte)'c': { string module = _in.ReadLine(256); string name = _in.ReadLine(256); Push(Global(module, name)); break; } // GLOBAL
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop() as CheckpointValue;
                    var module = Pop() as CheckpointValue;
                    if (name is not { IsString: true } || module is not { IsString: true }) throw Throw.Pickle("data.pkl applies STACK_GLOBAL to values that are not strings");
                    Push(Global(module.AsString(), name.AsString()));
                    break;
                }
                case (byte)'R': { var args = Pop(); var callable = Pop(); Push(Reduce(callable, args)); break; } // REDUCE
                case (byte)'b': { var state = Pop(); Build(Peek(), state); break; } // BUILD
                case (byte)'Q': Push(PersistentLoad(Pop())); break; // BINPERSID
                default:
                    throw Throw.Pickle($"data.pkl uses pickle opcode 0x{op:x2} at byte {at}, which a weights-only load does not allow");
            }
        }
    }

    private void Charge(long bytes)
    {
        _spent += bytes;
        if (_spent > _budget)
            throw Throw.Pickle($"data.pkl builds an object tree larger than the reader's limit ({TreeBudgetBytes / (1024 * 1024)} MB plus the pickle's size) at byte {_in.Position}");
    }

    private CheckpointValue Int(long value)
    {
        if (value is < -5 or > 256) Charge(ValueCost);
        return CheckpointValue.Int(value);
    }

    private CheckpointValue Long(long count)
    {
        if (count < 0 || count > MaxIntBytes) throw Throw.Pickle($"data.pkl holds an integer of {count} bytes, over the {MaxIntBytes}-byte limit");
        var bytes = _in.Take(count);
        Charge(ValueCost + count);
        return count == 0 ? CheckpointValue.Int(0) : CheckpointValue.Int(new BigInteger(bytes, isUnsigned: false, isBigEndian: false));
    }

    private CheckpointValue Str(string value)
    {
        Charge(ValueCost + (2L * value.Length));
        return CheckpointValue.String(value);
    }

    private CheckpointValue Bytes(ReadOnlySpan<byte> value)
    {
        Charge(ValueCost + value.Length);
        return CheckpointValue.Bytes(value.ToArray());
    }

    /// <summary>TUPLE, where a persistent id's tuple may carry its storage type (a global) as an item.</summary>
    private CheckpointValue MakeTuple(List<object?> items)
    {
        if (items.Count == 5 && items[1] is PyGlobal { Module: "torch" } type && (type.Name == "UntypedStorage" || CheckpointDTypes.IsStorageName(type.Name)))
        {
            items[1] = CheckpointValue.None;
            var tuple = Tuple(Values(items, "TUPLE"));
            _typeOfPid[tuple] = type;
            return tuple;
        }
        return Tuple(Values(items, "TUPLE"));
    }

    /// <summary>Where the value now being built will sit in the tree, from the containers open on the stack:
    /// <c>['model']['fc.weight']</c>, <c>['optimizer_states'][0]</c>; <c>the top level</c> when none is open.</summary>
    private string CurrentPath()
    {
        var marks = new HashSet<int>(_marks);
        var path = new StringBuilder();
        for (int i = 0; i < _stack.Count; i++)
        {
            if (_stack[i] is not CheckpointValue { IsDict: true } and not CheckpointValue { IsList: true }) continue;
            var container = (CheckpointValue)_stack[i]!;
            int first = i + 1;
            if (marks.Contains(first) || first < _stack.Count)
            {
                int end = first + 1;
                while (end < _stack.Count && !marks.Contains(end)) end++;
                if (end > _stack.Count) end = _stack.Count;
                int count = end - first;
                bool lastIsOpen = count > 0 && _stack[end - 1] is CheckpointValue { IsDict: true } or CheckpointValue { IsList: true };
                if (container.IsDict && count > 0)
                    path.Append('[').Append(_stack[first + ((count - 1) / 2 * 2)] is CheckpointValue k ? Key(k) : "?").Append(']');
                else if (container.IsList)
                    path.Append('[').Append(container.Count + count - (lastIsOpen ? 1 : 0)).Append(']');
                i = end - 1 - (lastIsOpen ? 1 : 0);
            }
        }
        return path.Length == 0 ? "the top level" : path.ToString();
    }

    private static string Key(CheckpointValue key) => key.IsString ? "'" + key.AsString() + "'" : key.ToString();

    private CheckpointValue Tuple(CheckpointValue[] items)
    {
        Charge(ValueCost + (8L * items.Length));
        return CheckpointValue.Tuple(items);
    }

    private CheckpointValue NewDict(bool ordered)
    {
        Charge(ValueCost * 3);
        return CheckpointValue.Dict(new CheckpointDict(ordered));
    }

    private static string Utf8(ReadOnlySpan<byte> bytes)
    {
        try { return new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException e) { throw Throw.Pickle("data.pkl holds a string that is not valid UTF-8", e); }
    }

    private void Push(object? value)
    {
        if (_stack.Count >= MaxStack) throw Throw.Pickle($"data.pkl puts more than {MaxStack} values on the pickle stack");
        _stack.Add(value);
    }

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count))
            throw Throw.Pickle($"data.pkl pops an empty stack at byte {_in.Position - 1}");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count))
            throw Throw.Pickle($"data.pkl reads an empty stack at byte {_in.Position - 1}");
        return _stack[^1];
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Throw.Pickle($"data.pkl uses a mark it never set at byte {_in.Position - 1}");
        int start = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private void Memoize(long key)
    {
        var value = Peek();
        if (!_memo.ContainsKey(key)) Charge(48);
        _memo[key] = value;
    }

    private object? Memo(long key)
        => _memo.TryGetValue(key, out var value) ? value : throw Throw.Pickle($"data.pkl reads memo entry {key}, which it never stored");

    private CheckpointValue AsValue(object? value, string opcode) => value switch
    {
        CheckpointValue v => v,
        PyGlobal g => throw Throw.Pickle($"data.pkl puts the class or function {g} itself into the tree at {CurrentPath()} ({opcode}); a weights-only load holds only data"),
        StorageRef s => throw Throw.Pickle($"data.pkl puts bare storage '{s.Key}' into the tree at {CurrentPath()}; only tensors over storages are read"),
        _ => throw Throw.Pickle($"data.pkl applies {opcode} to an unknown value"),
    };

    private CheckpointValue[] Values(List<object?> items, string opcode)
    {
        var result = new CheckpointValue[items.Count];
        for (int i = 0; i < result.Length; i++) result[i] = AsValue(items[i], opcode);
        return result;
    }

    private List<CheckpointValue> ListOf(object? value, string opcode)
        => value is CheckpointValue { IsList: true } v ? (List<CheckpointValue>)v.AsList() : throw Throw.Pickle($"data.pkl applies {opcode} to {Describe(value)} at byte {_in.Position - 1}");

    private CheckpointDict DictOf(object? value, string opcode)
        => value is CheckpointValue { IsDict: true } v ? v.AsDict() : throw Throw.Pickle($"data.pkl applies {opcode} to {Describe(value)} at byte {_in.Position - 1}");

    private void SetItems(CheckpointDict dict, List<object?> items, string opcode)
    {
        if (items.Count % 2 != 0) throw Throw.Pickle($"data.pkl sets dict items from an odd number of values ({opcode})");
        for (int i = 0; i < items.Count; i += 2)
        {
            var key = AsValue(items[i], opcode);
            if (key.Kind is not (CheckpointValueKind.String or CheckpointValueKind.Int or CheckpointValueKind.Bool or CheckpointValueKind.Float or CheckpointValueKind.None or CheckpointValueKind.Bytes))
                throw Throw.Pickle($"data.pkl uses {Describe(key)} as a dict key at {CurrentPath()}; only str, int, float, bool, None and bytes keys are read");
            Charge(24);
            dict.Set(key, AsValue(items[i + 1], opcode));
        }
    }

    private object Global(string module, string name)
    {
        if (module == "__builtin__") module = "builtins"; // protocol 2's fix_imports, as Python's unpickler maps it
        switch (module, name)
        {
            case ("collections", "OrderedDict"):
            case ("torch._utils", "_rebuild_tensor_v2"):
            case ("torch._utils", "_rebuild_tensor_v3"):
            case ("torch._utils", "_rebuild_parameter"):
            case ("torch._utils", "_rebuild_parameter_with_state"):
            case ("torch", "Size"):
            case ("torch", "device"):
            case ("_codecs", "encode"):
            case ("builtins", "bytearray"):
            case ("builtins", "bytes"):
            case ("torch", "UntypedStorage"):
                return new PyGlobal(module, name);
            case ("torch", _) when CheckpointDTypes.IsStorageName(name):
                return new PyGlobal(module, name);
            case ("torch", _) when CheckpointDTypes.TryFromPythonName(name, out var dtype):
                return CheckpointValue.DType(dtype);
            default:
                throw Throw.ForbiddenGlobal(module, name, CurrentPath());
        }
    }

    private object Reduce(object? callable, object? argsValue)
    {
        if (callable is not PyGlobal global)
            throw Throw.Pickle($"data.pkl calls {Describe(callable)} at {CurrentPath()}; only allowed torch and collections functions are called");
        if (argsValue is not CheckpointValue { IsTuple: true } argsTuple)
            throw Throw.Pickle($"data.pkl calls {global} with arguments that are not a tuple");
        var a = argsTuple.AsList();
        switch (global.Module, global.Name)
        {
            case ("collections", "OrderedDict"):
            {
                var dict = NewDict(true);
                if (a.Count == 0) return dict;
                if (a.Count == 1 && (a[0].IsList || a[0].IsTuple))
                {
                    foreach (var pair in a[0].AsList())
                    {
                        if (!pair.IsTuple && !pair.IsList || pair.Count != 2)
                            throw Throw.Pickle("data.pkl builds an OrderedDict from an item that is not a (key, value) pair");
                        SetItems(dict.AsDict(), [pair.AsList()[0], pair.AsList()[1]], "OrderedDict");
                    }
                    return dict;
                }
                throw Throw.Pickle("data.pkl calls collections.OrderedDict with arguments other than () or a list of pairs");
            }
            case ("torch._utils", "_rebuild_tensor_v2"):
                if (a.Count is not (6 or 7)) throw Throw.Pickle($"data.pkl calls torch._utils._rebuild_tensor_v2 with {a.Count} arguments instead of 6 or 7");
                return RebuildTensor(argsTuple, null);
            case ("torch._utils", "_rebuild_tensor_v3"):
                if (a.Count is not (7 or 8)) throw Throw.Pickle($"data.pkl calls torch._utils._rebuild_tensor_v3 with {a.Count} arguments instead of 7 or 8");
                return RebuildTensor(argsTuple, a[6].Kind == CheckpointValueKind.DType ? a[6].AsDType() : throw Throw.Pickle("data.pkl calls torch._utils._rebuild_tensor_v3 without a dtype"));
            case ("torch._utils", "_rebuild_parameter"):
            case ("torch._utils", "_rebuild_parameter_with_state"):
                if (a.Count is not (3 or 4) || !a[0].IsTensor) throw Throw.Pickle($"data.pkl calls torch._utils.{global.Name} without a tensor and its flags");
                return a[0];
            case ("torch", "Size"):
            {
                if (a.Count != 1 || !(a[0].IsTuple || a[0].IsList) || !a[0].AsList().All(static v => v.IsInt))
                    throw Throw.Pickle("data.pkl calls torch.Size with other than one tuple of ints");
                Charge(ValueCost + (8L * a[0].Count));
                return CheckpointValue.Size(a[0].AsSize());
            }
            case ("torch", "device"):
            {
                if (a.Count is < 1 or > 2 || !a[0].IsString || (a.Count == 2 && !a[1].IsInt && !a[1].IsNone))
                    throw Throw.Pickle("data.pkl calls torch.device with arguments other than (type[, index])");
                Charge(ValueCost);
                return CheckpointValue.Device(a.Count == 2 && a[1].IsInt ? $"{a[0].AsString()}:{a[1].AsInt64()}" : a[0].AsString());
            }
            case ("_codecs", "encode"):
            {
                // Protocol 2 pickles bytes as _codecs.encode(text, 'latin1').
                if (a.Count != 2 || !a[0].IsString || !a[1].IsString || a[1].AsString() is not ("latin1" or "latin-1"))
                    throw Throw.Pickle("data.pkl calls _codecs.encode with arguments other than (str, 'latin1')");
                return Bytes(Encoding.Latin1.GetBytes(a[0].AsString()));
            }
            case ("builtins", "bytes"):
            case ("builtins", "bytearray"):
                if (a.Count == 0) return Bytes([]);
                if (a.Count == 1 && a[0].IsBytes) return a[0];
                throw Throw.Pickle($"data.pkl calls builtins.{global.Name} with arguments other than () or bytes");
            default:
                throw Throw.Pickle($"data.pkl calls {global} at {CurrentPath()}, which builds no value");
        }
    }

    private CheckpointValue RebuildTensor(CheckpointValue args, ScalarType? dtype)
    {
        var a = args.AsList();
        var storage = a[0].Slot is null && _pendingStorage.TryGetValue(a[0], out var s) ? s : null;
        if (storage is null) throw Throw.Pickle($"data.pkl rebuilds a tensor at {CurrentPath()} from {Describe(a[0])}, not a storage");
        if (dtype is { } typed && typed != storage.Type)
        {
            if (storage.Type != ScalarType.Byte || storage.ElementSize != 1) throw Throw.Pickle($"storage '{storage.Key}' is used with two dtypes");
            if (!CheckpointDTypes.TryElementSize(typed, out int elementSize)) throw Throw.Pickle($"data.pkl holds a tensor of dtype {PythonLiteral.DType(typed)}, which TorchSharp does not have");
            if (storage.Numel % elementSize != 0) throw Throw.Pickle($"storage '{storage.Key}' of {storage.Numel} bytes is not a whole number of {PythonLiteral.DType(typed)} elements");
            storage = Retype(storage, typed, elementSize);
        }
        if (!a[1].IsInt || !(a[2].IsTuple || a[2].Kind == CheckpointValueKind.Size) || !(a[3].IsTuple || a[3].Kind == CheckpointValueKind.Size))
            throw Throw.Pickle($"data.pkl rebuilds a tensor at {CurrentPath()} with an offset, size or stride of the wrong type");
        long offset = a[1].AsInt64();
        long[] size = Longs(a[2]);
        long[] stride = Longs(a[3]);
        long numel = TensorChecks.CheckView(storage, offset, size, stride, CurrentPath);
        if (Tensors.Count >= MaxTensors) throw Throw.Pickle($"data.pkl holds more than {MaxTensors} tensors");
        Charge(ValueCost * 3 + (16L * size.Length));
        var slot = new TensorSlot(storage, offset, size, stride) { Numel = numel };
        Tensors.Add(slot);
        return CheckpointValue.Tensor(slot);
    }

    private StorageRef Retype(StorageRef untyped, ScalarType type, int size)
    {
        string key = untyped.Key + "\0" + (int)type;
        if (!_storages.TryGetValue(key, out var typed))
        {
            typed = untyped with { Type = type, ElementSize = size, Numel = untyped.Numel / size };
            _storages[key] = typed;
        }
        return typed;
    }

    private static long[] Longs(CheckpointValue value)
    {
        if (value.Kind == CheckpointValueKind.Size) return value.AsSize();
        var items = value.AsList();
        var result = new long[items.Count];
        for (int i = 0; i < result.Length; i++)
        {
            if (!items[i].IsInt || items[i].AsBigInteger() > long.MaxValue || items[i].AsBigInteger() < long.MinValue)
                throw Throw.Pickle("data.pkl has a tensor size or stride that is not a 64-bit int");
            result[i] = items[i].AsInt64();
        }
        return result;
    }

    private void Build(object? target, object? state)
    {
        // OrderedDict's reduce sets instance attributes such as state_dict's _metadata; PyTorch's weights-only load allows
        // that for OrderedDict (and Parameter state), and the attributes carry no tensors we return.
        if (target is CheckpointValue { IsDict: true } or CheckpointValue { IsTensor: true } && state is CheckpointValue) return;
        throw Throw.Pickle($"data.pkl sets the state of {Describe(target)} at {CurrentPath()}, which a weights-only load does not allow");
    }

    // A persistent id's storage travels on the stack inside a placeholder value until a rebuild function takes it.
    private readonly Dictionary<CheckpointValue, StorageRef> _pendingStorage = new(ReferenceEqualityComparer.Instance);

    private CheckpointValue PersistentLoad(object? pid)
    {
        if (pid is not CheckpointValue { IsTuple: true } tuple || tuple.Count != 5) throw NotStorage();
        var t = tuple.AsList();
        if (!t[0].IsString || t[0].AsString() != "storage" || !t[2].IsString || !t[3].IsString || !t[4].IsInt) throw NotStorage();
        if (!_typeOfPid.TryGetValue(tuple, out var type)) throw NotStorage();
        string key = t[2].AsString();
        string location = t[3].AsString();
        var numelBig = t[4].AsBigInteger();
        ScalarType scalar;
        int size;
        if (type.Name == "UntypedStorage") (scalar, size) = (ScalarType.Byte, 1);
        else (scalar, size) = CheckpointDTypes.FromStorage(type.Name);
        if (numelBig < 0 || numelBig > long.MaxValue / size) throw Throw.Pickle($"storage '{key}' has an impossible size of {numelBig} elements");
        long numel = (long)numelBig;
        if (_storages.TryGetValue(key, out var known))
        {
            if (known.Type != scalar || known.Numel != numel) throw Throw.Pickle($"storage '{key}' is named twice with different types or sizes");
        }
        else
        {
            if (_storages.Count >= MaxTensors) throw Throw.Pickle($"data.pkl names more than {MaxTensors} storages");
            known = new StorageRef(key, scalar, size, numel, location);
            _storages[key] = known;
        }
        Charge(ValueCost * 2);
        var placeholder = CheckpointValue.Tuple([]);
        _pendingStorage[placeholder] = known;
        return placeholder;
    }

    private static CheckpointFormatException NotStorage() => Throw.Pickle("data.pkl has a persistent id that is not ('storage', type, key, location, numel)");

    // Storage types appear as globals inside the persistent id tuple; remember which tuple carried which type.
    private readonly Dictionary<CheckpointValue, PyGlobal> _typeOfPid = new(ReferenceEqualityComparer.Instance);

    internal static string Describe(object? value) => value switch
    {
        CheckpointValue { IsString: true } => "a str",
        CheckpointValue { IsInt: true } => "an int",
        CheckpointValue { IsFloat: true } => "a float",
        CheckpointValue { IsBool: true } => "a bool",
        CheckpointValue { IsNone: true } => "None",
        CheckpointValue { IsTuple: true } => "a tuple",
        CheckpointValue { IsList: true } => "a list",
        CheckpointValue { IsDict: true } => "a dict",
        CheckpointValue { IsTensor: true } => "a tensor",
        CheckpointValue { IsBytes: true } => "bytes",
        CheckpointValue v => "a " + v.Kind.ToString().ToLowerInvariant(),
        PyGlobal g => g.ToString(),
        _ => "an unknown value",
    };
}
