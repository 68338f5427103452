using System.Globalization;
using System.Numerics;
using TorchModel.Internal;
using TorchModel.Internal.Checkpoints;
using static TorchSharp.torch;

namespace TorchModel;

/// <summary>
/// One read-only value of the object tree a <c>torch.save</c> file holds: a dict, list, tuple, string, number, bool,
/// <c>None</c>, tensor, <c>torch.Size</c>, <c>torch.dtype</c> or <c>torch.device</c>, as
/// <c>torch.load(path, weights_only=True)</c> returns it.
/// </summary>
/// <remarks>
/// Read values with the <c>Is...</c>/<c>As...</c> members; reach nested values with the indexers
/// (<c>tree.Root["optimizer"]["state"][0]["exp_avg"]</c>) or <see cref="At"/> (a key path). Tensors belong to the
/// <see cref="CheckpointTree"/> the value came from and are disposed with it. TorchSharp has no counterpart (its
/// <c>Module.load</c> reads only its own format).
/// </remarks>
public sealed class CheckpointValue
{
    private static readonly CheckpointValue NoneValue = new(CheckpointValueKind.None, null);
    private static readonly CheckpointValue TrueValue = new(CheckpointValueKind.Bool, null, 1);
    private static readonly CheckpointValue FalseValue = new(CheckpointValueKind.Bool, null, 0);
    private static readonly CheckpointValue[] SmallInts = Enumerable.Range(-5, 262).Select(i => new CheckpointValue(CheckpointValueKind.Int, null, i)).ToArray();

    private readonly long _integer;
    private readonly double _float;
    private readonly object? _ref;

    private CheckpointValue(CheckpointValueKind kind, object? reference, long integer = 0, double number = 0)
    {
        Kind = kind;
        _ref = reference;
        _integer = integer;
        _float = number;
    }

    internal static CheckpointValue None => NoneValue;

    internal static CheckpointValue Bool(bool value) => value ? TrueValue : FalseValue;

    internal static CheckpointValue Int(long value) => value is >= -5 and <= 256 ? SmallInts[value + 5] : new(CheckpointValueKind.Int, null, value);

    internal static CheckpointValue Int(BigInteger value)
        => value >= long.MinValue && value <= long.MaxValue ? Int((long)value) : new(CheckpointValueKind.Int, value);

    internal static CheckpointValue Float(double value) => new(CheckpointValueKind.Float, null, 0, value);

    internal static CheckpointValue String(string value) => new(CheckpointValueKind.String, value);

    internal static CheckpointValue Bytes(byte[] value) => new(CheckpointValueKind.Bytes, value);

    internal static CheckpointValue List(List<CheckpointValue> items) => new(CheckpointValueKind.List, items);

    internal static CheckpointValue Tuple(CheckpointValue[] items) => new(CheckpointValueKind.Tuple, items);

    internal static CheckpointValue Dict(CheckpointDict dict) => new(CheckpointValueKind.Dict, dict);

    internal static CheckpointValue Tensor(TensorSlot slot) => new(CheckpointValueKind.Tensor, slot);

    internal static CheckpointValue Size(long[] sizes) => new(CheckpointValueKind.Size, sizes);

    internal static CheckpointValue DType(ScalarType type) => new(CheckpointValueKind.DType, null, (long)type);

    internal static CheckpointValue Device(string device) => new(CheckpointValueKind.Device, device);

    /// <summary>Gets the value's Python type.</summary>
    public CheckpointValueKind Kind { get; }

    /// <summary>Gets whether the value is <c>None</c>.</summary>
    public bool IsNone => Kind == CheckpointValueKind.None;

    /// <summary>Gets whether the value is a <c>bool</c>.</summary>
    public bool IsBool => Kind == CheckpointValueKind.Bool;

    /// <summary>Gets whether the value is an <c>int</c> (not a <c>bool</c>, unlike Python's <c>isinstance</c>).</summary>
    public bool IsInt => Kind == CheckpointValueKind.Int;

    /// <summary>Gets whether the value is a <c>float</c>.</summary>
    public bool IsFloat => Kind == CheckpointValueKind.Float;

    /// <summary>Gets whether the value is a <c>str</c>.</summary>
    public bool IsString => Kind == CheckpointValueKind.String;

    /// <summary>Gets whether the value is <c>bytes</c>.</summary>
    public bool IsBytes => Kind == CheckpointValueKind.Bytes;

    /// <summary>Gets whether the value is a <c>list</c>.</summary>
    public bool IsList => Kind == CheckpointValueKind.List;

    /// <summary>Gets whether the value is a <c>tuple</c>.</summary>
    public bool IsTuple => Kind == CheckpointValueKind.Tuple;

    /// <summary>Gets whether the value is a <c>dict</c> or <c>OrderedDict</c>.</summary>
    public bool IsDict => Kind == CheckpointValueKind.Dict;

    /// <summary>Gets whether the value is a tensor.</summary>
    public bool IsTensor => Kind == CheckpointValueKind.Tensor;

    /// <summary>Gets whether the value is a non-empty dict whose keys are all strings and whose values are all tensors:
    /// what <c>load_state_dict</c> accepts.</summary>
    public bool IsStateDict
        => _ref is CheckpointDict d && d.Count > 0 && d.All(static e => e.Key.IsString && e.Value.IsTensor);

    /// <summary>Gets the number of items of a list, tuple, dict or <c>torch.Size</c>.</summary>
    /// <exception cref="InvalidOperationException">The value is not a container.</exception>
    public int Count => _ref switch
    {
        List<CheckpointValue> l => l.Count,
        CheckpointValue[] t => t.Length,
        CheckpointDict d => d.Count,
        long[] s => s.Length,
        _ => throw Throw.CheckpointValueIsNot(this, "a list, tuple, dict or torch.Size"),
    };

    internal bool IsNumber => Kind is CheckpointValueKind.Int or CheckpointValueKind.Bool or CheckpointValueKind.Float;

    internal BigInteger RawBig => _ref is BigInteger b ? b : _integer;

    internal byte[] RawBytes => (byte[])_ref!;

    internal double NumberAsDouble() => Kind == CheckpointValueKind.Float ? _float : (double)RawBig;

    internal TensorSlot? Slot => _ref as TensorSlot;

    internal bool IsOrderedDict => _ref is CheckpointDict { Ordered: true };

    /// <summary>Returns the <c>bool</c>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The value is not a <c>bool</c>.</exception>
    public bool AsBool() => Kind == CheckpointValueKind.Bool ? _integer != 0 : throw Throw.CheckpointValueIsNot(this, "a bool");

    /// <summary>Returns the <c>int</c> (or <c>bool</c>, as 0/1) as a 64-bit integer.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The value is not an int, or it does not fit in 64 bits.</exception>
    public long AsInt64()
    {
        if (Kind is not (CheckpointValueKind.Int or CheckpointValueKind.Bool)) throw Throw.CheckpointValueIsNot(this, "an int");
        return _ref is BigInteger ? throw Throw.CheckpointValueIsNot(this, "an int that fits in 64 bits") : _integer;
    }

    /// <summary>Returns the <c>int</c> at any precision.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The value is not an int or bool.</exception>
    public BigInteger AsBigInteger()
        => Kind is CheckpointValueKind.Int or CheckpointValueKind.Bool ? RawBig : throw Throw.CheckpointValueIsNot(this, "an int");

    /// <summary>Returns the <c>float</c>, or an <c>int</c> converted to double (as Python's <c>float(x)</c>).</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    public double AsDouble() => Kind is CheckpointValueKind.Float or CheckpointValueKind.Int ? NumberAsDouble() : throw Throw.CheckpointValueIsNot(this, "a float");

    /// <summary>Returns the <c>str</c>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The value is not a str.</exception>
    public string AsString() => _ref as string is { } s && Kind == CheckpointValueKind.String ? s : throw Throw.CheckpointValueIsNot(this, "a str");

    /// <summary>Returns the <c>bytes</c>.</summary>
    /// <returns>The bytes (read-only).</returns>
    /// <exception cref="InvalidOperationException">The value is not bytes.</exception>
    public ReadOnlyMemory<byte> AsBytes() => Kind == CheckpointValueKind.Bytes ? RawBytes : throw Throw.CheckpointValueIsNot(this, "bytes");

    /// <summary>Returns the items of a <c>list</c> or <c>tuple</c>.</summary>
    /// <returns>The items in order.</returns>
    /// <exception cref="InvalidOperationException">The value is neither a list nor a tuple.</exception>
    public IReadOnlyList<CheckpointValue> AsList() => _ref switch
    {
        List<CheckpointValue> l => l,
        CheckpointValue[] t => t,
        _ => throw Throw.CheckpointValueIsNot(this, "a list or tuple"),
    };

    /// <summary>Returns the <c>dict</c>.</summary>
    /// <returns>The dict, in insertion order.</returns>
    /// <exception cref="InvalidOperationException">The value is not a dict.</exception>
    public CheckpointDict AsDict() => _ref as CheckpointDict ?? throw Throw.CheckpointValueIsNot(this, "a dict");

    /// <summary>Returns the tensor; it belongs to the <see cref="CheckpointTree"/> and is disposed with it.</summary>
    /// <returns>The tensor (a view of its storage, with the saved offset and strides).</returns>
    /// <exception cref="InvalidOperationException">The value is not a tensor.</exception>
    public Tensor AsTensor() => Slot?.Tensor ?? throw Throw.CheckpointValueIsNot(this, "a tensor");

    /// <summary>Returns a <c>torch.Size</c>, or a tuple or list of ints, as sizes.</summary>
    /// <returns>The sizes.</returns>
    /// <exception cref="InvalidOperationException">The value is not a size.</exception>
    public long[] AsSize() => _ref switch
    {
        long[] s => (long[])s.Clone(),
        List<CheckpointValue> or CheckpointValue[] when AsList().All(static v => v.IsInt) => AsList().Select(static v => v.AsInt64()).ToArray(),
        _ => throw Throw.CheckpointValueIsNot(this, "a torch.Size"),
    };

    /// <summary>Returns the <c>torch.dtype</c>.</summary>
    /// <returns>The dtype.</returns>
    /// <exception cref="InvalidOperationException">The value is not a dtype.</exception>
    public ScalarType AsDType() => Kind == CheckpointValueKind.DType ? (ScalarType)_integer : throw Throw.CheckpointValueIsNot(this, "a torch.dtype");

    /// <summary>Returns the <c>torch.device</c> as PyTorch prints it (<c>"cpu"</c>, <c>"cuda:0"</c>).</summary>
    /// <returns>The device string.</returns>
    /// <exception cref="InvalidOperationException">The value is not a device.</exception>
    public string AsDevice() => Kind == CheckpointValueKind.Device ? (string)_ref! : throw Throw.CheckpointValueIsNot(this, "a torch.device");

    /// <summary>Gets the value of a dict's <c>str</c> key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The value is not a dict.</exception>
    /// <exception cref="KeyNotFoundException">The dict has no such key (the message lists the keys it has).</exception>
    public CheckpointValue this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            var dict = AsDict();
            return dict.TryGetValue(key, out var value) ? value : throw Throw.CheckpointKeyNotFound(key, dict);
        }
    }

    /// <summary>Gets the value of a dict's <c>int</c> key (e.g. an optimizer's per-parameter <c>state</c>), or the item
    /// of a list or tuple at an index (negative indices count from the end, as in Python).</summary>
    /// <param name="key">The int key or index.</param>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The value is not a dict, list or tuple.</exception>
    /// <exception cref="KeyNotFoundException">The dict has no such key.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the list.</exception>
    public CheckpointValue this[long key]
    {
        get
        {
            if (_ref is CheckpointDict dict)
                return dict.TryGetValue(key, out var value) ? value : throw Throw.CheckpointKeyNotFound(key.ToString(CultureInfo.InvariantCulture), dict);
            var list = AsList();
            long at = key < 0 ? key + list.Count : key;
            if (at < 0 || at >= list.Count) throw Throw.CheckpointIndexOutOfRange(key, list.Count, nameof(key));
            return list[(int)at];
        }
    }

    /// <summary>Follows a key path from this value: each step is a dict's str key, or (when the dict has no such str key
    /// or the value is a list/tuple) an int key or index written in decimal.</summary>
    /// <param name="path">The keys, outermost first, e.g. <c>"optimizer", "state", "0", "exp_avg"</c>.</param>
    /// <returns>The value at the end of the path (this value when the path is empty).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or one of its keys is null.</exception>
    /// <exception cref="KeyNotFoundException">A step is missing; the message names the path so far and the keys there.</exception>
    public CheckpointValue At(params string[] path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var current = this;
        for (int i = 0; i < path.Length; i++)
        {
            string key = path[i] ?? throw Throw.NullKeyInPath(nameof(path));
            if (!current.TryStep(key, out var next)) throw Throw.CheckpointPathNotFound(path, i, current);
            current = next;
        }
        return current;
    }

    internal bool TryStep(string key, out CheckpointValue next)
    {
        if (_ref is CheckpointDict dict)
        {
            if (dict.TryGetValue(key, out next!)) return true;
            if (long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && dict.TryGetValue(n, out next!)) return true;
            return false;
        }
        if (_ref is List<CheckpointValue> or CheckpointValue[] && int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < Count)
        {
            next = AsList()[index];
            return true;
        }
        next = null!;
        return false;
    }

    /// <summary>Returns a short Python-like description: the literal for scalars, the type and size for containers and tensors.</summary>
    /// <returns>The description, e.g. <c>3</c>, <c>'adam'</c>, <c>dict of 4 items</c>, <c>tensor float32 [64, 3]</c>.</returns>
    public override string ToString() => Kind switch
    {
        CheckpointValueKind.None => "None",
        CheckpointValueKind.Bool => _integer != 0 ? "True" : "False",
        CheckpointValueKind.Int => RawBig.ToString(CultureInfo.InvariantCulture),
        CheckpointValueKind.Float => PythonLiteral.Float(_float),
        CheckpointValueKind.String => "'" + (string)_ref! + "'",
        CheckpointValueKind.Bytes => $"bytes of length {RawBytes.Length}",
        CheckpointValueKind.List => $"list of {Count} items",
        CheckpointValueKind.Tuple => $"tuple of {Count} items",
        CheckpointValueKind.Dict => $"dict of {Count} items",
        CheckpointValueKind.Tensor => Slot!.Describe(),
        CheckpointValueKind.Size => "torch.Size([" + string.Join(", ", (long[])_ref!) + "])",
        CheckpointValueKind.DType => PythonLiteral.DType((ScalarType)_integer),
        _ => $"device(type='{_ref}')",
    };
}
