using System.Collections;
using System.Reflection;

namespace TorchModel.Tests.PortCheck;

/// <summary>Counts the forward hooks registered on a module and its descendants, read from TorchSharp's hook tables
/// (HookableModule's protected pre_hooks, post_hooks, module_pre_hooks and module_post_hooks).</summary>
public static class HookCounter
{
    public static int Count(Module root)
    {
        int total = 0;
        foreach (var module in root.Modules())
        {
            for (var t = module.GetType(); t is not null; t = t.BaseType)
            {
                if (!t.IsGenericType || t.GetGenericTypeDefinition() != typeof(nn.HookableModule<,>)) continue;
                foreach (var name in new[] { "pre_hooks", "post_hooks", "module_pre_hooks", "module_post_hooks" })
                {
                    var field = t.GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)
                        ?? throw new InvalidOperationException($"TorchSharp's HookableModule has no field {name}.");
                    total += ((ICollection)field.GetValue(module)!).Count;
                }
            }
        }
        return total;
    }
}
