using System.Globalization;

namespace TorchModel;

/// <summary>The one place that defines how captured tensors are named; <c>tools/capture_outputs.py</c> implements the
/// same rules, and docs/portcheck.md states them for users.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>A call's name is the module's PyTorch dotted name (<c>blocks.0.attn</c>); the root module is <c>(root)</c>.</item>
/// <item>Calls of one module after its first get torch.fx's suffixes: the second call of <c>drop</c> is <c>drop_1</c>,
/// the third <c>drop_2</c>. A module reached by several paths (shared) counts its calls under its first path.</item>
/// <item>A tensor output is stored under the call's name; a tuple or list output under <c>name[0]</c>, <c>name[1]</c>, …,
/// nested ones as <c>name[1][0]</c>; a dictionary output under <c>name[key]</c>. Other values (None, numbers) are skipped.</item>
/// <item>Inputs (when requested) are the positional arguments: <c>name:in[0]</c>, <c>name:in[1]</c>, flattened as outputs.</item>
/// </list>
/// </remarks>
internal static class CaptureNames
{
    /// <summary>The name of the root module, whose dotted name is empty.</summary>
    public const string Root = "(root)";

    /// <summary>The name of a module's <paramref name="callIndex"/>-th call (0-based).</summary>
    public static string Call(string path, int callIndex)
    {
        string name = path.Length == 0 ? Root : path;
        return callIndex == 0 ? name : name + "_" + callIndex.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The name of the <paramref name="index"/>-th element of a tuple or list stored under <paramref name="name"/>.</summary>
    public static string Element(string name, int index) => name + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>The name of a dictionary entry stored under <paramref name="name"/>.</summary>
    public static string Entry(string name, string key) => name + "[" + key + "]";

    /// <summary>The prefix of a call's inputs.</summary>
    public static string Inputs(string call) => call + ":in";

    /// <summary>Splits a captured name into the call it belongs to and whether it is an input.</summary>
    public static (string Call, bool IsInput) Describe(string name)
    {
        int input = name.IndexOf(":in[", StringComparison.Ordinal);
        if (input >= 0) return (name[..input], true);
        int bracket = name.IndexOf('[', StringComparison.Ordinal);
        return (bracket >= 0 ? name[..bracket] : name, false);
    }

    /// <summary>The call name of the module that calls <paramref name="call"/>: its dotted parent, or the root.</summary>
    public static string Parent(string call)
    {
        if (call == Root) return Root;
        int dot = call.LastIndexOf('.');
        return dot < 0 ? Root : call[..dot];
    }
}
