using TorchSharp;
using static TorchSharp.torch;

namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// Streams safetensors files straight into a built model's parameters and buffers: every header, key, shape and byte
/// range is validated first (nothing is written before that), then each entry's bytes are read from the file into the
/// target's own memory, or through a bounded staging buffer where a dtype conversion, a CUDA or a non-contiguous target
/// needs one. No tensor of the file's size is ever allocated.
/// </summary>
internal static class SafeTensorsModuleLoader
{
    /// <summary>One opened and validated safetensors file.</summary>
    public sealed class Source(string name, Stream stream, SafeTensorsHeader header, long dataStart) : IDisposable
    {
        public string Name { get; } = name;

        public Stream Stream { get; } = stream;

        public SafeTensorsHeader Header { get; } = header;

        public long DataStart { get; } = dataStart;

        /// <summary>Opens a file and validates its header against its length; the stream stays open for the load so
        /// that what is read is the file that was validated, even if the path is replaced meanwhile.</summary>
        public static Source Open(string path)
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
            try
            {
                var header = SafeTensorsHeader.Read(stream, stream.Length);
                return new Source(path, stream, header, stream.Position);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        public void Dispose() => Stream.Dispose();
    }

    /// <summary>Where an input key's data lives.</summary>
    public readonly record struct KeyLocation(string Key, int File, int Entry);

    /// <summary>Loads one file: its keys in header order.</summary>
    public static IncompatibleKeys Load(Module module, string path, bool strict, bool forceStaging = false, long stagingBytes = StagingBuffers.DefaultBytes)
    {
        using var source = Source.Open(path);
        var keys = new KeyLocation[source.Header.Entries.Count];
        for (int i = 0; i < keys.Length; i++) keys[i] = new KeyLocation(source.Header.Entries[i].Name, 0, i);
        return Load(module, [source], keys, strict, forceStaging, stagingBytes);
    }

    /// <summary>Loads validated files into the module; <paramref name="keys"/> gives the input order (a sharded index's order).
    /// <paramref name="forceStaging"/> routes every entry through the staging buffer, the path CUDA targets take, so that it is tested on the CPU.</summary>
    public static IncompatibleKeys Load(Module module, IReadOnlyList<Source> files, IReadOnlyList<KeyLocation> keys, bool strict, bool forceStaging = false, long stagingBytes = StagingBuffers.DefaultBytes)
    {
        var names = new string[keys.Count];
        for (int i = 0; i < names.Length; i++) names[i] = keys[i].Key;
        var (result, plan) = StatePlanner.PlanShapes(module, names, i => files[keys[i].File].Header.Entries[keys[i].Entry].Shape, strict);

        // Everything is validated: now read each file front to back, skipping entries the model does not take.
        var byFile = plan.Select(p => (Copy: p, Location: keys[p.Source]))
                         .OrderBy(p => p.Location.File)
                         .ThenBy(p => files[p.Location.File].Header.Entries[p.Location.Entry].Begin)
                         .ToList();
        bool pinned = byFile.Any(p => p.Copy.Target.device_type == DeviceType.CUDA);
        using var staging = new StagingBuffers(pinned, stagingBytes);
        using (no_grad())
        {
            foreach (var (copy, location) in byFile)
            {
                var file = files[location.File];
                var entry = file.Header.Entries[location.Entry];
                long position = file.DataStart + entry.Begin;
                if (file.Stream.Position != position) file.Stream.Seek(position, SeekOrigin.Begin);
                try
                {
                    var target = copy.Target;
                    if (!forceStaging && !copy.FirstElementOnly && target.device_type == DeviceType.CPU && target.dtype == entry.Type && target.is_contiguous())
                        TensorBytes.ReadInto(file.Stream, target);
                    else
                        TensorBytes.ReadConverted(file.Stream, target, entry.Type, entry.ElementSize, entry.End - entry.Begin, staging, copy.FirstElementOnly);
                }
                catch (EndOfStreamException e)
                {
                    throw Throw.SafeTensorsChangedDuringLoad(file.Name, entry.Name, entry.Begin, entry.End, e);
                }
            }
        }
        return result;
    }
}
