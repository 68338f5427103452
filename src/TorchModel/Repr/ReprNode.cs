namespace TorchModel.Internal;

/// <summary>
/// One entry of a repr tree: a class name, its extra_repr text and its <c>(key, child)</c> entries, where a child is
/// either a real <see cref="Module"/> or a synthesized <see cref="ReprNode"/> (children of native TorchSharp modules,
/// which keep their libtorch submodules out of reach).
/// </summary>
internal sealed class ReprNode(string className, string extra, bool collapseRuns = false)
{
    public string ClassName { get; } = className;

    public string Extra { get; } = extra;

    /// <summary>PyTorch 2.x <c>ModuleList.__repr__</c>: runs of equal consecutive entries print as <c>(0-2): 3 x ...</c>.</summary>
    public bool CollapseRuns { get; } = collapseRuns;

    public List<(string Key, object Child)> Children { get; } = [];

    public ReprNode Add(string key, object child)
    {
        Children.Add((key, child));
        return this;
    }
}
