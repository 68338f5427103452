namespace TorchModel.CudaChecks;

/// <summary>Which native libraries this process has loaded, and from where (Linux: /proc/self/maps).</summary>
internal static class NativeLibraries
{
    /// <summary>The paths of the loaded libraries with one of the given file names, in load-map order.</summary>
    public static IEnumerable<string> Loaded(params string[] fileNames)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return [];
        return File.ReadLines(maps)
            .Select(line => line.IndexOf('/') is var at and >= 0 ? line[at..] : null)
            .OfType<string>()
            .Where(path => fileNames.Contains(Path.GetFileName(path)))
            .Distinct()
            .ToList();
    }
}
