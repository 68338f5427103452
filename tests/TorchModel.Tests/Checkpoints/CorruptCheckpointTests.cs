using System.IO.Compression;
using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Checkpoints;

/// <summary>Damaged copies of the real fixtures: every one either loads or raises <see cref="CheckpointFormatException"/>, never anything else.</summary>
public class CorruptCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tm-corrupt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("tied.pt")]
    [InlineData("views.pt")]
    public void TruncatedTorchSave_AtEveryLength_GetsFormatError(string fixture)
    {
        var bytes = File.ReadAllBytes(CheckpointGolden.Fixture(fixture));
        string path = Path.Combine(_folder, fixture);
        for (int length = 0; length < bytes.Length; length += 7)
        {
            File.WriteAllBytes(path, bytes[..length]);
            Should.Throw<CheckpointFormatException>(() => PyTorchCheckpoint.Load(path).Dispose(), $"truncated to {length}");
        }
    }

    [Theory]
    [InlineData("tied.pt")]
    [InlineData("dtypes.pt")]
    public void FlippedBytesInTorchSave_LoadOrGetFormatError(string fixture)
    {
        var bytes = File.ReadAllBytes(CheckpointGolden.Fixture(fixture));
        string path = Path.Combine(_folder, fixture);
        for (int at = 0; at < bytes.Length; at += 3)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x5a;
            File.WriteAllBytes(path, damaged);
            LoadsOrFormatError(() => PyTorchCheckpoint.Load(path), $"byte {at} flipped");
        }
    }

    [Fact]
    public void FlippedBytesInPickle_LoadOrGetFormatError()
    {
        using var source = ZipFile.OpenRead(CheckpointGolden.Fixture("views.pt"));
        var entries = source.Entries.ToDictionary(e => e.FullName, e => { using var s = e.Open(); using var m = new MemoryStream(); s.CopyTo(m); return m.ToArray(); });
        string pickleName = entries.Keys.Single(k => k.EndsWith("/data.pkl"));
        var pickle = entries[pickleName];
        string path = Path.Combine(_folder, "views.pt");
        for (int at = 0; at < pickle.Length; at++)
        {
            foreach (byte mask in new byte[] { 0x01, 0x80, 0xff })
            {
                var damaged = (byte[])pickle.Clone();
                damaged[at] ^= mask;
                WriteZip(path, entries, pickleName, damaged);
                LoadsOrFormatError(() => PyTorchCheckpoint.Load(path), $"pickle byte {at} ^ {mask}");
            }
        }
    }

    [Theory]
    [InlineData("dtypes.safetensors")]
    [InlineData("batchnorm.safetensors")]
    public void DamagedSafeTensors_LoadOrGetFormatError(string fixture)
    {
        var bytes = File.ReadAllBytes(CheckpointGolden.Fixture(fixture));
        for (int length = 0; length < bytes.Length; length += 5)
            Should.Throw<CheckpointFormatException>(() => SafeTensors.Load(new MemoryStream(bytes[..length])).Dispose(), $"truncated to {length}");
        int headerEnd = 8 + (int)BitConverter.ToInt64(bytes, 0);
        for (int at = 0; at < headerEnd; at++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x21;
            LoadsOrFormatError(() => SafeTensors.Load(new MemoryStream(damaged)), $"byte {at} flipped");
        }
    }

    private static void LoadsOrFormatError(Func<StateDict> load, string scenario)
    {
        try
        {
            load().Dispose();
        }
        catch (CheckpointFormatException)
        {
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{scenario}: {e.GetType().Name}: {e.Message}");
        }
    }

    private static void WriteZip(string path, Dictionary<string, byte[]> entries, string replaced, byte[] replacement)
    {
        File.Delete(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            s.Write(name == replaced ? replacement : data);
        }
    }
}
