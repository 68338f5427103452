using TorchModel.Internal;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Registers a module's C# fields and auto-properties under the names a PyTorch module would use, in
    /// PyTorch's order, and returns the module.</summary>
    /// <typeparam name="TModule">The module's type, kept for chaining.</typeparam>
    /// <param name="module">The module whose fields hold its submodules, parameters and buffers (typically <c>this</c>
    /// at the end of a constructor).</param>
    /// <returns><paramref name="module"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Two members map to the same name, a name is empty or contains a
    /// dot, or a different object is already registered under a member's name. Nothing is registered then.</exception>
    /// <remarks>
    /// <para>Equivalent to PyTorch's attribute assignment in <c>__init__</c> (<c>self.conv1 = nn.Conv2d(...)</c>), which
    /// names each submodule, parameter and buffer after the attribute. Unlike TorchSharp's <c>RegisterComponents()</c>,
    /// which uses raw field names (<c>_conv1</c>, <c>&lt;Conv1&gt;k__BackingField</c>) most-derived class first, this maps
    /// <c>_conv1</c>, <c>m_conv1</c> and <c>Conv1</c> (field or auto-property) to <c>conv1</c> and <c>FcOut</c> to
    /// <c>fc_out</c>, and registers base-class members first, then each class's members in declaration order (as a
    /// PyTorch <c>__init__</c> that calls <c>super().__init__()</c> first). <c>[ComponentName(Name = "...")]</c> on the
    /// field or property sets the name verbatim; the attribute is TorchSharp's <c>TorchSharp.Utils.ComponentNameAttribute</c>,
    /// so the file needs <c>using TorchSharp.Utils;</c>. It is needed wherever snake_case of the C# name is not the PyTorch
    /// name: GPT-2's <c>ln_1</c> is <c>Ln1</c> in C#, which maps to <c>ln1</c>, so the member must say
    /// <c>[ComponentName(Name = "ln_1")]</c> for Hugging Face checkpoint keys (<c>h.0.ln_1.weight</c>) to match.</para>
    /// <para>Fields holding a <see cref="Module"/> become submodules, a <see cref="Parameter"/> a parameter and any other
    /// <see cref="Tensor"/> a persistent buffer (as TorchSharp does); null fields and other types are skipped.
    /// Entries already registered under the same name with the same object are left alone. Afterwards TorchSharp's
    /// own <c>RegisterComponents()</c> is marked done, so registering this module in a parent does not add the raw
    /// field names again.</para>
    /// </remarks>
    /// <example>
    /// <code>
    /// public sealed class Net : nn.Module&lt;Tensor, Tensor&gt;
    /// {
    ///     private readonly Conv2d _conv1 = nn.Conv2d(1, 10, 5);
    ///     public Linear FcOut { get; } = nn.Linear(10, 2);
    ///     public Net() : base(nameof(Net)) => this.RegisterComponentsAsPyTorch(); // conv1.weight, ..., fc_out.bias
    /// }
    ///
    /// using TorchSharp.Utils; // [ComponentName]
    ///
    /// public sealed class Gpt2Block : nn.Module&lt;Tensor, Tensor&gt;
    /// {
    ///     [ComponentName(Name = "ln_1")] public LayerNorm Ln1 { get; } = nn.LayerNorm(768); // "ln1" without the attribute
    ///     public MultiheadAttention Attn { get; } = nn.MultiheadAttention(768, 12);       // attn
    ///     [ComponentName(Name = "ln_2")] public LayerNorm Ln2 { get; } = nn.LayerNorm(768);
    ///     public Gpt2Block() : base(nameof(Gpt2Block)) => this.RegisterComponentsAsPyTorch(); // ln_1.weight, ..., ln_2.bias
    ///     public override Tensor forward(Tensor x) => ...;
    /// }
    /// </code>
    /// </example>
    public static TModule RegisterComponentsAsPyTorch<TModule>(this TModule module) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        var plan = new List<(string Name, object Value)>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        string className = PythonNames.ClassName(module);
        foreach (var field in MemberNames.Fields(module.GetType()))
        {
            object? value = field.GetValue(module);
            if (value is not (Module or Tensor)) continue;
            string name = MemberNames.PyTorchName(field);
            string member = MemberNames.DisplayName(field);
            if (name.Length == 0 || name.Contains('.')) throw Throw.BadComponentName(className, member, name);
            if (!owners.TryAdd(name, member)) throw Throw.ComponentNameClash(className, owners[name], member, name);
            object? existing = (object?)ModuleInternals.OwnParameter(module, name) ?? (object?)ModuleInternals.OwnBuffer(module, name) ?? ModuleInternals.Child(module, name);
            if (existing is not null)
            {
                if (ReferenceEquals(existing, value)) continue;
                throw Throw.ComponentNameTaken(className, member, name);
            }
            plan.Add((name, value));
        }
        foreach (var (name, value) in plan)
        {
            switch (value)
            {
                case Module child: module.register_module(name, child); break;
                case Parameter parameter: module.register_parameter(name, parameter); break;
                case Tensor buffer: module.register_buffer(name, buffer); break;
            }
        }
        ModuleInternals.ComponentsRegistered(module) = true;
        return module;
    }
}
