using TorchSharp;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// Reads a torch.save zip in two phases: <see cref="Open"/> validates the archive, runs the restricted unpickler and
/// checks every tensor against its storage entry without allocating tensor memory; <see cref="Materialize"/> then
/// reads the storages. Both phases raise only <see cref="CheckpointFormatException"/> for bad files.
/// </summary>
internal sealed class TorchSaveReader : IDisposable
{
    /// <summary>The largest data.pkl read (decompressed).</summary>
    public const long MaxPickleBytes = 256L * 1024 * 1024;

    /// <summary>The most a deflated entry may expand (deflate's own limit is about 1032:1).</summary>
    private const long MaxDeflateRatio = 1032;

    private readonly SafeFileHandle _file;
    private readonly Dictionary<string, ZipEntryInfo> _entries;
    private readonly string _prefix;

    private TorchSaveReader(string path, SafeFileHandle file, Dictionary<string, ZipEntryInfo> entries, string prefix)
    {
        Path = path;
        _file = file;
        _entries = entries;
        _prefix = prefix;
    }

    public string Path { get; }

    public CheckpointValue Root { get; private set; } = CheckpointValue.None;

    public List<TensorSlot> Tensors { get; private set; } = [];

    /// <summary>The zip entry of each storage the tensors use, validated against the storage's byte size.</summary>
    public Dictionary<StorageRef, ZipEntryInfo> Storages { get; } = new();

    public SafeFileHandle File => _file;

    public static TorchSaveReader Open(string path)
    {
        var file = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        TorchSaveReader? reader = null;
        try
        {
            long length = RandomAccess.GetLength(file);
            var entries = ZipDirectory.Read(file, length);
            var pickles = entries.Values.Where(e => e.Name.EndsWith("/data.pkl", StringComparison.Ordinal) && e.Name.IndexOf('/') == e.Name.Length - "/data.pkl".Length).ToList();
            if (pickles.Count != 1)
                throw Throw.Pickle(pickles.Count == 0 ? "the archive has no <name>/data.pkl" : "the archive has more than one <name>/data.pkl");
            string prefix = pickles[0].Name[..^"data.pkl".Length];
            reader = new TorchSaveReader(path, file, entries, prefix);
            reader.Parse(pickles[0]);
            return reader;
        }
        catch (CheckpointFormatException e)
        {
            (reader as IDisposable ?? file).Dispose();
            throw Throw.WithFile(e, path);
        }
        catch
        {
            (reader as IDisposable ?? file).Dispose();
            throw;
        }
    }

    private void Parse(ZipEntryInfo pickle)
    {
        if (_entries.TryGetValue(_prefix + "byteorder", out var byteorder))
        {
            if (byteorder.Size > 16) throw Throw.Pickle("the archive's byteorder record is too long");
            var bytes = new byte[byteorder.Size];
            using (var s = new ZipEntryStream(_file, byteorder)) s.ReadExactly(bytes);
            string order = System.Text.Encoding.ASCII.GetString(bytes).Trim();
            if (order != "little") throw Throw.Pickle($"the archive's tensors are stored {order}-endian; only little-endian is read");
        }
        if (pickle.Size > MaxPickleBytes) throw Throw.Pickle($"{pickle.Name} is {pickle.Size} bytes, over the {MaxPickleBytes}-byte limit");
        CheckRatio(pickle);
        using (var stream = new ZipEntryStream(_file, pickle))
        {
            (Root, Tensors) = RestrictedUnpickler.Load(stream, pickle.Size);
        }
        TreeWalk.AssignPathsAndRefuseCycles(Root);
        foreach (var slot in Tensors)
        {
            var storage = slot.Storage;
            if (Storages.ContainsKey(storage)) continue;
            string name = _prefix + "data/" + storage.Key;
            if (!_entries.TryGetValue(name, out var entry))
                throw Throw.Pickle($"the archive lacks {name}, the storage of the tensor at {slot.Path}");
            if (entry.Size != storage.Bytes)
                throw Throw.Pickle($"{name} holds {entry.Size} bytes but its {storage.Numel} elements of {PythonLiteral.DType(storage.Type)} need {storage.Bytes}");
            CheckRatio(entry);
            Storages[storage] = entry;
        }
    }

    private static void CheckRatio(ZipEntryInfo entry)
    {
        if (entry.Deflated && entry.Size / MaxDeflateRatio > entry.CompressedSize + 1)
            throw Throw.Pickle($"{entry.Name} declares {entry.Size} bytes from {entry.CompressedSize} deflated bytes, more than deflate can produce");
    }

    /// <summary>Reads every storage and builds every tensor (on <paramref name="device"/>, CPU when null); returns the
    /// tensors the tree now owns.</summary>
    public List<Tensor> Materialize(Device? device)
    {
        var storages = new Dictionary<StorageRef, Tensor>();
        var owned = new List<Tensor>(Tensors.Count);
        try
        {
            foreach (var (storage, entry) in Storages.OrderBy(static s => s.Value.DataOffset))
            {
                var data = empty(storage.Numel, storage.Type);
                storages[storage] = data;
                ReadEntryInto(entry, data);
                if (device is not null && device.type != DeviceType.CPU)
                {
                    storages[storage] = data.to(device);
                    data.Dispose();
                }
            }
            foreach (var slot in Tensors)
            {
                var view = storages[slot.Storage].as_strided(slot.Size, slot.Stride, slot.Offset);
                owned.Add(view);
                slot.Tensor = view;
            }
        }
        catch (CheckpointFormatException e)
        {
            foreach (var t in owned) t.Dispose();
            throw Throw.WithFile(e, Path);
        }
        catch
        {
            foreach (var t in owned) t.Dispose();
            throw;
        }
        finally
        {
            foreach (var s in storages.Values) s.Dispose();
        }
        return owned;
    }

    /// <summary>Reads a storage entry straight into a contiguous CPU tensor's memory: positional reads for stored entries,
    /// a bounded inflater for deflated ones.</summary>
    public void ReadEntryInto(ZipEntryInfo entry, Tensor contiguousCpu)
    {
        if (!entry.Deflated)
        {
            long at = entry.DataOffset;
            TensorBytes.ForEachChunk(contiguousCpu, bytes =>
            {
                ZipDirectory.ReadAt(_file, bytes, at, entry.Name);
                at += bytes.Length;
            });
            return;
        }
        using var stream = new ZipEntryStream(_file, entry);
        TensorBytes.ReadInto(stream, contiguousCpu);
    }

    public void Dispose() => _file.Dispose();
}
