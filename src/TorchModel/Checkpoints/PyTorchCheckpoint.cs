using System.IO.Compression;
using TorchModel.Internal;
using TorchModel.Internal.Checkpoints;
using static TorchSharp.torch;

namespace TorchModel;

/// <summary>Reads the state_dict files PyTorch's <c>torch.save</c> writes (<c>pytorch_model.bin</c>, <c>.pt</c>, <c>.pth</c>).</summary>
/// <remarks>
/// Equivalent to PyTorch's <c>torch.load(path, map_location="cpu", weights_only=True)</c> for a state_dict. TorchSharp's
/// <c>Module.load</c> reads only TorchSharp's own format.
/// </remarks>
public static class PyTorchCheckpoint
{
    /// <summary>The largest data.pkl read, so that a lying archive cannot make the loader allocate gigabytes.</summary>
    private const long MaxPickleBytes = 256L * 1024 * 1024;

    /// <summary>Reads a state_dict saved by <c>torch.save(model.state_dict(), path)</c> into new CPU tensors.</summary>
    /// <param name="path">The checkpoint: the zip archive <c>torch.save</c> writes by default since PyTorch 1.6.</param>
    /// <returns>The tensors in the state_dict's order; the caller disposes it (which disposes the tensors).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a torch.save zip archive, is corrupt, holds something
    /// other than a dict of tensors, or its pickle names a Python global a weights-only load refuses (the message names it).</exception>
    /// <remarks>
    /// <para>The pickle is read by a restricted interpreter that, like PyTorch's <c>weights_only=True</c>, allows only
    /// <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c>,
    /// <c>torch.Size</c> and the <c>torch.*Storage</c> types; nothing in the file is ever executed.</para>
    /// <para>Storage offsets and strides are kept: a transposed or sliced tensor comes back as the same non-contiguous
    /// view, and tensors that shared a storage (tied weights) share one again. Tensors saved from CUDA load on the CPU.
    /// Parameters come back as plain tensors, as in a state_dict.</para>
    /// </remarks>
    public static StateDict Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw Throw.Pickle("the file is not a zip archive; only the zip format torch.save writes by default since PyTorch 1.6 is read " +
                               "(re-save it with torch.save(state_dict, path) in a recent PyTorch)", e);
        }
        using (zip)
        {
            try
            {
                return Read(zip, file.Length);
            }
            catch (InvalidDataException e)
            {
                throw Throw.Pickle($"the zip archive is corrupt ({e.Message})", e);
            }
        }
    }

    private static StateDict Read(ZipArchive zip, long fileLength)
    {
        var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length).ToList();
        if (pickles.Count != 1)
            throw Throw.Pickle(pickles.Count == 0 ? "the archive has no <name>/data.pkl" : "the archive has more than one <name>/data.pkl");
        string prefix = pickles[0].FullName[..^"data.pkl".Length];

        var byteorder = zip.GetEntry(prefix + "byteorder");
        if (byteorder is not null)
        {
            string order = ReadSmallText(byteorder);
            if (order != "little") throw Throw.Pickle($"the archive's tensors are stored {order}-endian; only little-endian is read");
        }

        byte[] pickle = ReadEntry(pickles[0], MaxPickleBytes, fileLength);
        var root = RestrictedUnpickler.Load(pickle);
        if (root is not PyDict dict)
            throw Throw.Pickle($"the checkpoint holds {RestrictedUnpickler.Describe(root)}, not a state_dict (a dict of tensors)");

        var refs = new List<(string Name, TensorRef Tensor)>();
        foreach (var (key, value) in dict.Items)
        {
            if (key is not string name) throw Throw.Pickle($"the state_dict has a key that is {RestrictedUnpickler.Describe(key)}, not a str");
            if (value is not TensorRef tensor)
                throw Throw.Pickle($"the state_dict entry '{name}' is {RestrictedUnpickler.Describe(value)}, not a tensor (a checkpoint that nests the state_dict, e.g. under \"model\", is not read)");
            CheckView(name, tensor);
            refs.Add((name, tensor));
        }

        var storageEntries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var storage in refs.Select(r => r.Tensor.Storage).Distinct())
        {
            var entry = zip.GetEntry(prefix + "data/" + storage.Key)
                ?? throw Throw.Pickle($"the archive lacks {prefix}data/{storage.Key}, the storage of '{refs.First(r => r.Tensor.Storage == storage).Name}'");
            long bytes = storage.Numel * storage.ElementSize;
            if (entry.Length != bytes)
                throw Throw.Pickle($"{entry.FullName} holds {entry.Length} bytes but its {storage.Numel} elements of {PythonLiteral.DType(storage.Type)} need {bytes}");
            CheckDeclaredLength(entry, fileLength);
            storageEntries[storage.Key] = entry;
        }

        var storages = new Dictionary<StorageRef, Tensor>();
        var views = new List<KeyValuePair<string, Tensor>>();
        try
        {
            foreach (var (storage, entry) in refs.Select(r => r.Tensor.Storage).Distinct().Select(s => (s, storageEntries[s.Key])))
            {
                var data = empty(storage.Numel, storage.Type);
                storages[storage] = data;
                using var stream = entry.Open();
                try
                {
                    TensorBytes.ReadInto(stream, data, storage.ElementSize);
                }
                catch (EndOfStreamException e)
                {
                    throw Throw.Pickle($"{entry.FullName} ends before its {storage.Numel * storage.ElementSize} bytes", e);
                }
            }
            foreach (var (name, tensor) in refs)
                views.Add(new(name, storages[tensor.Storage].as_strided(tensor.Size, tensor.Stride, tensor.Offset)));
        }
        catch
        {
            foreach (var (_, view) in views) view.Dispose();
            throw;
        }
        finally
        {
            foreach (var storage in storages.Values) storage.Dispose();
        }
        return StateDict.Owning(views);
    }

    private static void CheckView(string name, TensorRef tensor)
    {
        if (tensor.Size.Length != tensor.Stride.Length)
            throw Throw.Pickle($"tensor '{name}' has {tensor.Size.Length} sizes but {tensor.Stride.Length} strides");
        if (tensor.Offset < 0 || tensor.Size.Any(s => s < 0) || tensor.Stride.Any(s => s < 0))
            throw Throw.Pickle($"tensor '{name}' has a negative size, stride or storage offset");
        if (tensor.Size.Any(s => s == 0)) return;
        long last;
        try
        {
            last = tensor.Offset;
            for (int i = 0; i < tensor.Size.Length; i++) last = checked(last + (tensor.Size[i] - 1) * tensor.Stride[i]);
        }
        catch (OverflowException)
        {
            throw Throw.Pickle($"tensor '{name}' has sizes and strides too large to address");
        }
        if (last >= tensor.Storage.Numel)
            throw Throw.Pickle($"tensor '{name}' (size [{string.Join(", ", tensor.Size)}], stride [{string.Join(", ", tensor.Stride)}], offset {tensor.Offset}) " +
                               $"reaches element {last} of storage '{tensor.Storage.Key}', which has {tensor.Storage.Numel}");
    }

    private static void CheckDeclaredLength(ZipArchiveEntry entry, long fileLength)
    {
        // A stored entry cannot be longer than the archive; a deflated one cannot expand more than deflate allows.
        if (entry.CompressedLength > fileLength || entry.Length > entry.CompressedLength * 1100 + 1024)
            throw Throw.Pickle($"{entry.FullName} declares {entry.Length} bytes, more than the archive can hold");
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, long limit, long fileLength)
    {
        if (entry.Length > limit) throw Throw.Pickle($"{entry.FullName} is {entry.Length} bytes, over the {limit}-byte limit");
        CheckDeclaredLength(entry, fileLength);
        var bytes = new byte[entry.Length];
        using var stream = entry.Open();
        try
        {
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw Throw.Pickle($"{entry.FullName} is shorter than the {entry.Length} bytes it declares", e);
        }
        return bytes;
    }

    private static string ReadSmallText(ZipArchiveEntry entry)
        => System.Text.Encoding.UTF8.GetString(ReadEntry(entry, 64, long.MaxValue)).Trim();
}
