namespace TorchModel.Internal;

/// <summary>The wording of lookup errors (<c>get_submodule</c>, <c>get_parameter</c>, <c>get_buffer</c>), PyTorch's texts exactly.</summary>
internal static partial class Throw
{
    public static ModuleAttributeException NoAttribute(Module module, string item, string target)
        => new($"{PythonNames.ClassName(module)} has no attribute `{item}`", target);

    public static ModuleAttributeException NotAModule(string item, string target)
        => new($"`{item}` is not an nn.Module", target);

    public static ModuleAttributeException NotAParameter(string item, string target)
        => new($"`{item}` is not an nn.Parameter", target);

    public static ModuleAttributeException NotABuffer(string item, string target)
        => new($"`{item}` is not a buffer", target);
}
