namespace TorchModel;

/// <summary>
/// A TorchSharp module base class whose C# fields and auto-properties register under PyTorch names
/// (<c>_conv1</c> → <c>conv1</c>, <c>FcOut</c> → <c>fc_out</c>), base-class members first, whenever TorchSharp
/// registers components: when the module is added to a parent, or when the constructor calls
/// <c>RegisterComponents()</c>.
/// </summary>
/// <typeparam name="TInput">The forward input type.</typeparam>
/// <typeparam name="TOutput">The forward output type.</typeparam>
/// <remarks>Equivalent to a PyTorch <c>nn.Module</c> subclass whose attributes become its children, parameters and
/// buffers. Unlike deriving from TorchSharp's <c>nn.Module&lt;TInput, TOutput&gt;</c> directly, the registered names are
/// PyTorch's, so state_dict keys match PyTorch checkpoints. See
/// <see cref="ModuleExtensions.RegisterComponentsAsPyTorch{TModule}(TModule)"/> for the rules.</remarks>
public abstract class PyTorchModule<TInput, TOutput> : TorchSharp.torch.nn.Module<TInput, TOutput>
{
    /// <summary>Initializes the module with the name TorchSharp reports from <c>GetName()</c>.</summary>
    /// <param name="name">The module name (conventionally the class name).</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    protected PyTorchModule(string name) : base(name ?? throw new ArgumentNullException(nameof(name)))
    {
    }

    /// <summary>Registers the fields under PyTorch names (once); see
    /// <see cref="ModuleExtensions.RegisterComponentsAsPyTorch{TModule}(TModule)"/>.</summary>
    protected override void RegisterComponents() => this.RegisterComponentsAsPyTorch();
}
