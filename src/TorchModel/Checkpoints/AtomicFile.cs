namespace TorchModel.Internal.Checkpoints;

/// <summary>
/// Writes a checkpoint file atomically for both formats: the content goes to a temporary sibling
/// (<c>.{name}.{random}.tmp</c>), is flushed to disk and renamed over the target, so that a failed or killed save leaves
/// any existing file as it was. After a successful save, temporaries a killed earlier save to the same path left behind
/// are deleted.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<FileStream> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        string name = Path.GetFileName(full);
        string temp = Path.Combine(folder, TempPrefix(name) + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        RemoveStaleTemporaries(folder, name);
    }

    /// <summary>The name every temporary of <paramref name="fileName"/> starts with.</summary>
    public static string TempPrefix(string fileName) => "." + fileName + ".";

    private static void RemoveStaleTemporaries(string folder, string name)
    {
        string prefix = TempPrefix(name);
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(folder, prefix + "*.tmp").ToList();
        }
        catch (IOException) { return; }
        catch (UnauthorizedAccessException) { return; }
        foreach (string file in candidates)
        {
            // Only our own pattern: the prefix, 8 hex digits, ".tmp" (a temporary still being written by another
            // process is locked on Windows and is replaced by its own rename on Linux; deleting it then fails that save,
            // never corrupts the target).
            string rest = Path.GetFileName(file)[prefix.Length..];
            if (rest.Length == 12 && rest.EndsWith(".tmp", StringComparison.Ordinal) && rest[..8].All(char.IsAsciiHexDigitLower))
                TryDelete(file);
        }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
