using TorchSharp;
using TorchModel.Internal;
using TorchModel.Internal.Checkpoints;
using static TorchSharp.torch;

namespace TorchModel;

/// <summary>Reads and writes the files PyTorch's <c>torch.save</c> writes (<c>pytorch_model.bin</c>, <c>.pt</c>,
/// <c>.pth</c>, Lightning's <c>.ckpt</c>): bare state_dicts, training dicts, whole restricted object trees.</summary>
/// <remarks>
/// Equivalent to PyTorch's <c>torch.load(path, map_location=..., weights_only=True)</c> and <c>torch.save(obj, path)</c>.
/// TorchSharp's <c>Module.save</c>/<c>load</c> read and write only TorchSharp's own format.
/// </remarks>
public static class PyTorchCheckpoint
{
    /// <summary>Reads a state_dict saved by <c>torch.save(model.state_dict(), path)</c> into new CPU tensors.</summary>
    /// <param name="path">The checkpoint: the zip archive <c>torch.save</c> writes by default since PyTorch 1.6.</param>
    /// <returns>The tensors in the state_dict's order; the caller disposes it (which disposes the tensors).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a torch.save zip archive, is corrupt or hostile, its
    /// pickle names a Python global a weights-only load refuses (the message names it and where it sits), or the top level
    /// is not a state_dict (the message says which keys are: pass one to <see cref="Load(string, string[])"/>).</exception>
    /// <remarks>
    /// <para>The pickle is read by a restricted interpreter that, like PyTorch 2.x's <c>weights_only=True</c>, builds only
    /// containers, primitives, tensors, <c>torch.Size</c>, dtypes and devices; nothing in the file is ever executed.</para>
    /// <para>Storage offsets and strides are kept: a transposed or sliced tensor comes back as the same non-contiguous
    /// view, and tensors that shared a storage (tied weights) share one again. Tensors saved from CUDA load on the CPU.
    /// Parameters come back as plain tensors, as in a state_dict.</para>
    /// </remarks>
    public static StateDict Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Load(path, []);
    }

    /// <summary>Reads the state_dict found at a key path of a <c>torch.save</c> checkpoint, e.g. <c>"model"</c> of a
    /// training dict or <c>"state_dict"</c> of a Lightning checkpoint, into new CPU tensors.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="keyPath">The keys leading to the state_dict, outermost first (see <see cref="CheckpointValue.At"/>);
    /// empty for a bare state_dict.</param>
    /// <returns>The tensors in the state_dict's order; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="keyPath"/> (or a key) is null.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is corrupt or hostile, or the value at the path is not a
    /// state_dict (the message lists the keys there and which of them are state_dicts).</exception>
    /// <exception cref="KeyNotFoundException">A key of the path is missing (the message lists the keys there are).</exception>
    /// <remarks>Equivalent to <c>torch.load(path, map_location="cpu", weights_only=True)["model"]</c>. Only the tensors of
    /// the chosen state_dict are read from the file.</remarks>
    public static StateDict Load(string path, params string[] keyPath)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(keyPath);
        using var reader = TorchSaveReader.Open(path);
        var dict = SelectStateDict(reader, keyPath);
        // Read only the storages the chosen state_dict uses.
        var chosen = new HashSet<TensorSlot>(dict.Select(static e => e.Value.Slot!));
        reader.Tensors.RemoveAll(s => !chosen.Contains(s));
        var keep = new HashSet<StorageRef>(reader.Tensors.Select(static s => s.Storage));
        foreach (var unused in reader.Storages.Keys.Where(s => !keep.Contains(s)).ToList()) reader.Storages.Remove(unused);
        var owned = reader.Materialize(null);
        try
        {
            return StateDict.Owning(dict.Select(static e => new KeyValuePair<string, Tensor>(e.Key.AsString(), e.Value.AsTensor())));
        }
        catch
        {
            foreach (var t in owned) t.Dispose();
            throw;
        }
    }

    internal static CheckpointDict SelectStateDict(TorchSaveReader reader, string[] keyPath)
    {
        foreach (string key in keyPath) ArgumentNullException.ThrowIfNull(key, nameof(keyPath));
        var value = reader.Root.At(keyPath);
        string where = keyPath.Length == 0 ? "the top level" : "[" + string.Join("][", keyPath.Select(k => "'" + k + "'")) + "]";
        if (!value.IsDict || !value.AsDict().All(static e => e.Key.IsString && e.Value.IsTensor))
            throw Throw.NotAStateDict(reader.Path, where, value);
        return value.AsDict();
    }

    /// <summary>Reads the whole object tree of a <c>torch.save</c> file: training dicts, optimizer states, Lightning
    /// checkpoints, numbers, strings, lists and tensors.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="device">Where to put the tensors (PyTorch's <c>map_location</c>); null for the CPU, whatever device
    /// the file names.</param>
    /// <returns>The tree; dispose it to dispose its tensors.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is corrupt or hostile, exceeds a documented bound, or names a
    /// Python global a weights-only load refuses (the message names the global and the path in the tree).</exception>
    /// <remarks>
    /// Equivalent to <c>torch.load(path, map_location=device or "cpu", weights_only=True)</c> of PyTorch 2.x: dict,
    /// <c>OrderedDict</c>, list, tuple, str, bytes, int (any size), float, bool, None, tensors and parameters of every
    /// dtype TorchSharp has (views, offsets, strides and shared storages kept), <c>torch.Size</c>, <c>torch.dtype</c>,
    /// <c>torch.device</c>. Everything is validated (archive, pickle, every view against its storage) before tensor
    /// memory is allocated. Unlike PyTorch, a checkpoint saved on CUDA loads on a CPU-only machine without a
    /// <c>map_location</c>.
    /// </remarks>
    public static CheckpointTree Read(string path, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = TorchSaveReader.Open(path);
        var owned = reader.Materialize(device);
        return new CheckpointTree(reader.Root, owned);
    }

    /// <summary>Writes a state_dict as <c>torch.save(state_dict, path)</c> does, so that Python's
    /// <c>model.load_state_dict(torch.load(path, weights_only=True))</c> reads it.</summary>
    /// <param name="stateDict">The tensors by name, written in enumeration order as an <c>OrderedDict</c>.</param>
    /// <param name="path">The file to write; replaced atomically if it exists.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stateDict"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException">A tensor is disposed or has a dtype torch.save files cannot hold here.</exception>
    /// <remarks>See <see cref="Save(object?, string)"/>.</remarks>
    public static void Save(IReadOnlyDictionary<string, Tensor> stateDict, string path)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentNullException.ThrowIfNull(path);
        Save((object)stateDict, path);
    }

    /// <summary>Writes an object tree as <c>torch.save(obj, path)</c> does: a training dict of state_dicts, optimizer
    /// states, numbers, strings and lists that Python's <c>torch.load(path, weights_only=True)</c> reads.</summary>
    /// <param name="checkpoint">The value to write: a <see cref="StateDict"/> or <c>IReadOnlyDictionary&lt;string, Tensor&gt;</c>
    /// (written as <c>OrderedDict</c>), any <see cref="System.Collections.IDictionary"/> (a dict in enumeration order; keys
    /// may be strings, integers, floats, bools or null: an optimizer's <c>state</c> keeps int keys), lists and arrays
    /// (list), value tuples (tuple), string, integers of any size, float/double, bool, null, <c>byte[]</c>,
    /// <see cref="Tensor"/>, <see cref="ScalarType"/> (dtype), <see cref="Device"/>, or a <see cref="CheckpointValue"/> read
    /// earlier.</param>
    /// <param name="path">The file to write; replaced atomically if it exists.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException">The path is empty, or a value cannot be written (its type, a disposed tensor, a
    /// container holding itself, a string with a lone surrogate).</exception>
    /// <remarks>
    /// The file is the zip layout of PyTorch 2.x (<c>&lt;name&gt;/data.pkl</c> in pickle protocol 2, <c>byteorder</c>,
    /// <c>data/&lt;key&gt;</c> per storage aligned to 64 bytes, <c>version</c>, <c>.data/serialization_id</c>; the inner
    /// folder is named after the file without its extension), read by PyTorch 1.13 and 2.x. Tensors that share a CPU
    /// storage (tied weights, views) share one storage record, so they come back shared in Python; offsets and strides
    /// are kept. Keys keep their order. CUDA tensors are copied to the CPU one at a time and keep their device name
    /// (<c>cuda:0</c>) as torch.save does. Written to a temporary file in the same folder, flushed and renamed over
    /// <paramref name="path"/>: a failed save leaves the old file as it was, and temporaries left by a killed earlier save
    /// to the same path are removed after a successful one. PyTorch 1.13's <c>weights_only</c> reader refuses floats,
    /// bytes and dtypes/devices (it lacks their opcodes and globals); PyTorch 2.x reads them all.
    /// </remarks>
    public static void Save(object? checkpoint, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) throw Throw.EmptyPath(nameof(path));
        var (pickle, storages, owner) = TorchSavePickler.Pickle(checkpoint);
        using (owner)
        {
            string archive = ArchiveName(path);
            AtomicFile.Write(path, stream =>
            {
                var zip = new ZipWriter(stream);
                zip.Add(archive + "/data.pkl", pickle);
                zip.Add(archive + "/.format_version", "1"u8);
                zip.Add(archive + "/.storage_alignment", "64"u8);
                zip.Add(archive + "/byteorder", "little"u8);
                foreach (var storage in storages)
                {
                    zip.Add(archive + "/data/" + storage.Key, storage.Bytes, sink =>
                    {
                        using var cpu = storage.Source.device_type == DeviceType.CPU ? storage.Source.alias() : storage.Source.cpu();
                        using var contiguous = cpu.contiguous();
                        TensorBytes.ForEachChunk(contiguous, bytes => sink(bytes));
                    });
                }
                zip.Add(archive + "/version", "3\n"u8);
                zip.Add(archive + "/.data/serialization_id", System.Text.Encoding.ASCII.GetBytes(SerializationId()));
                zip.Finish();
            });
        }
    }

    /// <summary>PyTorch's writer names the archive's folder after the file: its name without the last extension.</summary>
    internal static string ArchiveName(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        return name.Length == 0 ? "archive" : name;
    }

    private static string SerializationId()
    {
        Span<byte> random = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(random);
        return new System.Numerics.BigInteger(random, isUnsigned: true).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(40, '0')[..40];
    }
}
