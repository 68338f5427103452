using System.Linq.Expressions;
using System.Reflection;
using TorchSharp;

namespace TorchModel.Internal;

/// <summary>Registers TorchSharp forward hooks of any forward signature and removes them again.</summary>
/// <remarks>Used by Summary and PortCheck. TorchSharp's typed hooks are delegates whose types depend on the module's
/// <c>Module&lt;T1, …, TResult&gt;</c> base. They are read from the module's <c>HookableModule&lt;TPreHook, TPostHook&gt;</c>
/// base and built as expression lambdas that box the arguments and hand them to plain callbacks. Hooks fire only when a
/// module is invoked with <c>call(...)</c>, not <c>forward(...)</c>.</remarks>
internal static class ForwardHooks
{
    /// <summary>Registers a pre-hook that receives the positional inputs and a post-hook that receives the result;
    /// returns false (registering nothing) for a module without typed hooks.</summary>
    public static bool TryRegister(Module module, Action<object?[]> pre, Action<object?> post, List<Action> removers)
    {
        Type? hookable = null;
        for (var t = module.GetType(); t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(torch.nn.HookableModule<,>))
            {
                hookable = t;
                break;
            }
        }
        if (hookable is null) return false;
        var types = hookable.GetGenericArguments();
        var register = module.GetType();
        var registerPre = register.GetMethod("register_forward_pre_hook", [types[0]]);
        var registerPost = register.GetMethod("register_forward_hook", [types[1]]);
        if (registerPre is null || registerPost is null) return false;

        removers.Add(Remover(registerPre.Invoke(module, [PreHook(types[0], pre)])));
        removers.Add(Remover(registerPost.Invoke(module, [PostHook(types[1], post)])));
        return true;
    }

    /// <summary>(module, x1, …, xn) =&gt; { pre([x1, …, xn]); return "unchanged"; } where unchanged is x1 for one
    /// input and a null tuple for more (TorchSharp keeps the input when the hook returns null).</summary>
    private static Delegate PreHook(Type delegateType, Action<object?[]> pre)
        => PreFactories.GetOrAdd(delegateType, static type =>
        {
            // Compiled once per hook type as pre => (module, x1, ..., xn) => ..., so a model of many modules of one
            // type compiles one expression, not one per module.
            var invoke = type.GetMethod("Invoke")!;
            var parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
            var callback = Expression.Parameter(typeof(Action<object?[]>), "pre");
            var inputs = parameters.Skip(1).ToArray();
            var boxed = Expression.NewArrayInit(typeof(object), inputs.Select(p => Expression.Convert(p, typeof(object))));
            Expression unchanged = inputs.Length == 1 && invoke.ReturnType == inputs[0].Type
                ? inputs[0]
                : Expression.Default(invoke.ReturnType);
            var hook = Expression.Lambda(type, Expression.Block(Expression.Invoke(callback, boxed), unchanged), parameters);
            return Expression.Lambda<Func<Action<object?[]>, Delegate>>(hook, callback).Compile();
        })(pre);

    /// <summary>(module, x1, …, xn, result) =&gt; { post(result); return result; }.</summary>
    private static Delegate PostHook(Type delegateType, Action<object?> post)
        => PostFactories.GetOrAdd(delegateType, static type =>
        {
            var invoke = type.GetMethod("Invoke")!;
            var parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
            var callback = Expression.Parameter(typeof(Action<object?>), "post");
            var result = parameters[^1];
            var hook = Expression.Lambda(type, Expression.Block(Expression.Invoke(callback, Expression.Convert(result, typeof(object))), result), parameters);
            return Expression.Lambda<Func<Action<object?>, Delegate>>(hook, callback).Compile();
        })(post);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<Action<object?[]>, Delegate>> PreFactories = new();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<Action<object?>, Delegate>> PostFactories = new();

    private static Action Remover(object? handle)
    {
        var remove = handle?.GetType().GetMethod("remove", Type.EmptyTypes);
        return () => remove?.Invoke(handle, null);
    }

    /// <summary>Finds the public <c>call</c> method taking <paramref name="arity"/> arguments.</summary>
    public static MethodInfo? FindCall(Module module, int arity)
        => module.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(m => m.Name == "call" && m.GetParameters().Length == arity && !m.IsGenericMethodDefinition);
}
