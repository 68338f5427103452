using System.Text;
using TorchSharp.Modules;

namespace TorchModel.Internal;

/// <summary>Resolves a module's extra_repr: its own <see cref="IExtraRepr"/>, or the <see cref="ExtraReprTable"/> entry of
/// its type; empty for everything else (PyTorch's base <c>extra_repr</c>).</summary>
internal static class ExtraReprs
{
    public static string Of(Module module)
    {
        if (module is IExtraRepr custom) return custom.ExtraRepr() ?? string.Empty;
        return ExtraReprTable.For(module.GetType()) is { } format ? format(module) : string.Empty;
    }

    /// <summary>ParameterList/ParameterDict (2.x): <c>  (k): Parameter containing: [torch.float32 of size 3x4]</c> per line,
    /// with the dtype for a list and <c>torch.typename</c> for a dict.</summary>
    public static string ParameterLines(Module module)
    {
        var parameters = new List<(string Name, Parameter Parameter)>();
        ModuleInternals.OwnParameters(module, parameters);
        var sb = new StringBuilder();
        foreach (var (name, p) in parameters)
        {
            if (sb.Length > 0) sb.Append('\n');
            string type = module is ParameterList ? PythonLiteral.DType(p.dtype) : PythonLiteral.TypeName(p);
            sb.Append("  (").Append(name).Append("): Parameter containing: [").Append(type)
              .Append(" of size ").Append(PythonLiteral.SizeX(p)).Append(PythonLiteral.DeviceSuffix(p)).Append(']');
        }
        return sb.ToString();
    }
}
