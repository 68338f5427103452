namespace TorchModel.Tests.Infrastructure;

/// <summary>Paths inside the repository, found from the test output folder (not from [CallerFilePath], which a
/// deterministic CI build maps to "/_/").</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootDirectory = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TorchModel.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No TorchModel.sln above {AppContext.BaseDirectory}.");
    });

    /// <summary>The repository's root folder (the one holding TorchModel.sln).</summary>
    public static string Root => RootDirectory.Value;

    /// <summary>A path relative to the repository root.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);
}
