using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using TorchSharp;

namespace TorchModel.Internal;

/// <summary>
/// Typed forward hooks for any TorchSharp module type, built once per type: TorchSharp's hooks are generic in the
/// forward's argument and result types (<c>Func&lt;Module&lt;T1, T2, TResult&gt;, T1, T2, TResult, TResult&gt;</c>), so
/// a hook that sees every argument of every layer is compiled from an expression per closed type.
/// </summary>
internal static class SummaryHooks
{
    /// <summary>Receives a layer and its forward arguments (and, after the call, its result).</summary>
    public delegate void Observer(Module module, object?[] arguments, object? result);

    private sealed record Factory(
        Func<Observer, Delegate> Pre, Func<Observer, Delegate> Post, MethodInfo RegisterPre, MethodInfo RegisterPost,
        MethodInfo RegisterModulePost);

    private static readonly ConcurrentDictionary<Type, Factory?> Factories = new();

    /// <summary>Registers a pre-hook (arguments, before the forward), a post-hook (arguments and result) and a
    /// module post-hook (after every other post-hook) on <paramref name="module"/>; returns their removers, or none
    /// when the type has no hooks (a container without forward).</summary>
    public static IEnumerable<object> Register(Module module, Observer before, Observer after, Action<Module> done)
    {
        var factory = Factories.GetOrAdd(module.GetType(), Create);
        if (factory is null) return [];
        return
        [
            factory.RegisterPre.Invoke(module, [factory.Pre(before)])!,
            factory.RegisterPost.Invoke(module, [factory.Post(after)])!,
            factory.RegisterModulePost.Invoke(module, [done])!,
        ];
    }

    /// <summary>Calls a TorchSharp <c>HookRemover.remove()</c>.</summary>
    public static void Remove(object remover) => remover.GetType().GetMethod("remove", Type.EmptyTypes)?.Invoke(remover, null);

    private static Factory? Create(Type type)
    {
        Type? hookable = null;
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(torch.nn.HookableModule<,>)) { hookable = t; break; }
        }
        if (hookable is null) return null;
        var preType = hookable.GetGenericArguments()[0];
        var postType = hookable.GetGenericArguments()[1];
        var registerPre = hookable.GetMethod("register_forward_pre_hook", [preType]);
        var registerPost = hookable.GetMethod("register_forward_hook", [postType]);
        var registerModulePost = hookable.GetMethod("register_forward_hook", [typeof(Action<Module>)]);
        if (registerPre is null || registerPost is null || registerModulePost is null) return null;
        return new Factory(Compile(preType, withResult: false), Compile(postType, withResult: true), registerPre, registerPost, registerModulePost);
    }

    /// <summary>Compiles <c>observer =&gt; (module, a1, ..., an[, result]) =&gt; { observer(module, [a1..an], result);
    /// return result or default; }</c> for a hook delegate type.</summary>
    private static Func<Observer, Delegate> Compile(Type hookType, bool withResult)
    {
        var invoke = hookType.GetMethod("Invoke")!;
        var parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
        var observer = Expression.Parameter(typeof(Observer), "observer");
        int argumentCount = parameters.Length - 1 - (withResult ? 1 : 0);
        var arguments = Expression.NewArrayInit(typeof(object),
            parameters.Skip(1).Take(argumentCount).Select(p => (Expression)Expression.Convert(p, typeof(object))));
        Expression result = withResult ? Expression.Convert(parameters[^1], typeof(object)) : Expression.Constant(null, typeof(object));
        var call = Expression.Invoke(observer, Expression.Convert(parameters[0], typeof(Module)), arguments, result);
        Expression returned = withResult ? parameters[^1] : Expression.Default(invoke.ReturnType);
        var hook = Expression.Lambda(hookType, Expression.Block(call, returned), parameters);
        return Expression.Lambda<Func<Observer, Delegate>>(hook, observer).Compile();
    }
}
