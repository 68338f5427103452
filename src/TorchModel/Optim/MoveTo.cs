using System.Reflection;
using TorchModel.Internal;
using TorchSharp;
using TorchSharp.Modules;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Moves the model to a device and returns its optimizer rebuilt over the moved parameters, state and
    /// per-group options included.</summary>
    /// <typeparam name="TOptimizer">The optimizer's type.</typeparam>
    /// <param name="module">The model.</param>
    /// <param name="device">The device to move to.</param>
    /// <param name="optimizer">An optimizer over the model's current parameters; it is disposed.</param>
    /// <returns>A new optimizer of the same type over the moved parameters, with the same groups, hyper-parameters and state
    /// (moments moved to the device).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="NotSupportedException">The optimizer has no PyTorch mapping (e.g. LBFGS); build it after the move.</exception>
    /// <exception cref="InvalidOperationException">A parameter of the optimizer is not the model's (see
    /// <see cref="OptimizerExtensions.EnsureOptimizes"/>); nothing is moved.</exception>
    /// <remarks>Equivalent to PyTorch's <c>model.to(device)</c> with an existing optimizer, which in PyTorch keeps working because
    /// parameters are changed in place. TorchSharp's <c>to()</c> replaces the Parameter objects, and a TorchSharp optimizer keys
    /// its state by the old ones (its <c>step()</c> then fails with <c>KeyNotFoundException: key '0'</c>); TorchSharp offers no
    /// way to re-point an optimizer, so this builds a new one and carries the state over.</remarks>
    public static TOptimizer MoveTo<TOptimizer>(this Module module, torch.Device device, TOptimizer optimizer)
        where TOptimizer : torch.optim.Optimizer
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(optimizer);
        return Rebuild(module, optimizer, m => m.to(device));
    }

    /// <summary>Converts the model to a dtype and returns its optimizer rebuilt over the converted parameters, state and
    /// per-group options included.</summary>
    /// <typeparam name="TOptimizer">The optimizer's type.</typeparam>
    /// <param name="module">The model.</param>
    /// <param name="dtype">The floating-point dtype to convert to.</param>
    /// <param name="optimizer">An optimizer over the model's current parameters; it is disposed.</param>
    /// <returns>A new optimizer of the same type over the converted parameters, with the same groups, hyper-parameters and
    /// state (moments converted to the dtype).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="NotSupportedException">The optimizer has no PyTorch mapping (e.g. LBFGS); build it after the move.</exception>
    /// <exception cref="InvalidOperationException">A parameter of the optimizer is not the model's; nothing is converted.</exception>
    /// <remarks>Equivalent to PyTorch's <c>model.to(dtype)</c> with an existing optimizer; see
    /// <see cref="MoveTo{TOptimizer}(Module, torch.Device, TOptimizer)"/>.</remarks>
    public static TOptimizer MoveTo<TOptimizer>(this Module module, torch.ScalarType dtype, TOptimizer optimizer)
        where TOptimizer : torch.optim.Optimizer
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(optimizer);
        return Rebuild(module, optimizer, m => m.to(dtype));
    }

    private static TOptimizer Rebuild<TOptimizer>(Module module, TOptimizer optimizer, Action<Module> move)
        where TOptimizer : torch.optim.Optimizer
    {
        var helper = OptimizerStateMapper.Helper(optimizer, out var kind);
        optimizer.EnsureOptimizes(module);
        var names = new Dictionary<nint, string>();
        foreach (var (name, parameter) in ModuleWalker.Parameters(module, "", recurse: true, removeDuplicate: true))
            names.TryAdd(TensorIdentity.Of(parameter), name);
        var layout = OptimizerStateMapper.Groups(helper).Select(g =>
        {
            var options = kind.NewOptions();
            options.LoadStateDict(g.Group.Options);
            return (Options: options, Names: g.Parameters.Select(p => names[TensorIdentity.Of(p)]).ToList());
        }).ToList();
        using var state = OptimizerStateMapper.Save(helper, kind);

        move(module);

        var moved = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var (name, parameter) in ModuleWalker.Parameters(module, "", recurse: true, removeDuplicate: true))
            moved[name] = parameter;
        var groups = layout.Select(g => kind.NewGroup(g.Names.Select(n => moved[n]).ToList(), g.Options)).ToList();
        var rebuilt = (TOptimizer)Construct(kind, groups);
        OptimizerStateMapper.Load((OptimizerHelper)(object)rebuilt, kind, state);
        optimizer.Dispose();
        return rebuilt;
    }

    /// <summary>Calls the optimizer's constructor that takes parameter groups; every group carries all its options, so the
    /// other arguments only need valid values (their defaults, and the first group's learning rate).</summary>
    private static torch.optim.Optimizer Construct(OptimizerKind kind, List<ParamGroup> groups)
    {
        foreach (var ctor in kind.OptimizerType.GetConstructors(BindingFlags.Public | BindingFlags.Instance))
        {
            var parameters = ctor.GetParameters();
            if (parameters.Length == 0 || !parameters[0].ParameterType.IsGenericType
                || parameters[0].ParameterType.GetGenericTypeDefinition() != typeof(IEnumerable<>)) continue;
            var element = parameters[0].ParameterType.GetGenericArguments()[0];
            if (!typeof(ParamGroup).IsAssignableFrom(element) || !element.IsAssignableFrom(kind.GroupType)) continue;
            var array = Array.CreateInstance(element, groups.Count);
            for (int i = 0; i < groups.Count; i++) array.SetValue(groups[i], i);
            var args = new object?[parameters.Length];
            args[0] = array;
            for (int i = 1; i < parameters.Length; i++)
                args[i] = parameters[i].Name == "lr" ? groups[0].Options.LearningRate!.Value : parameters[i].DefaultValue;
            return (torch.optim.Optimizer)ctor.Invoke(args);
        }
        throw Throw.NoGroupConstructor(kind.OptimizerType);
    }
}
