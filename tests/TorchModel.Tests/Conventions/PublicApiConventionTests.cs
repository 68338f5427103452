using System.Reflection;
using System.Runtime.CompilerServices;

namespace TorchModel.Tests.Conventions;

/// <summary>Rules every public extension method of TorchModel keeps (reflection-driven, so new methods are covered).</summary>
public class PublicApiConventionTests
{
    private static readonly Assembly Library = typeof(ModuleExtensions).Assembly;

    public static IEnumerable<object[]> ExtensionMethods()
        => Library.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.IsDefined(typeof(ExtensionAttribute), false))
            .Select(m => new object[] { m.DeclaringType!.Name + "." + m.Name + "(" + string.Join(",", m.GetParameters().Select(p => p.ParameterType.Name)) + ")" });

    private static MethodInfo Find(string signature) => Library.GetExportedTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
        .Single(m => m.DeclaringType!.Name + "." + m.Name + "(" + string.Join(",", m.GetParameters().Select(p => p.ParameterType.Name)) + ")" == signature);

    [Theory]
    [MemberData(nameof(ExtensionMethods))]
    public void ExtensionName_DoesNotShadowATorchSharpMember(string signature)
    {
        var method = Find(signature);
        var receiver = method.GetParameters()[0].ParameterType;
        var instanceNames = receiver.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.FlattenHierarchy).Select(m => m.Name);
        instanceNames.ShouldNotContain(method.Name);
    }

    [Theory]
    [MemberData(nameof(ExtensionMethods))]
    public void NullReferenceArguments_ThrowArgumentNullExceptionNamingThem_BeforeEnumeration(string signature)
    {
        var method = Find(signature);
        if (method.ContainsGenericParameters) method = method.MakeGenericMethod(method.GetGenericArguments().Select(a => a.GetGenericParameterConstraints().FirstOrDefault(c => !c.IsInterface) ?? typeof(object)).ToArray());
        var parameters = method.GetParameters();
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.ParameterType.IsValueType) continue;
            if (new NullabilityInfoContext().Create(p).WriteState == NullabilityState.Nullable) continue;
            var args = parameters.Select((q, j) => j == i ? null : SampleValue(q)).ToArray();
            var ex = Should.Throw<TargetInvocationException>(() => method.Invoke(null, args));
            var inner = ex.InnerException.ShouldBeOfType<ArgumentNullException>($"{signature}: null {p.Name}");
            inner.ParamName.ShouldBe(p.Name);
        }
    }

    [Theory]
    [MemberData(nameof(ExtensionMethods))]
    public void SequenceMethods_AreLazy(string signature)
    {
        var method = Find(signature);
        if (!method.ReturnType.IsGenericType || method.ReturnType.GetGenericTypeDefinition() != typeof(IEnumerable<>)) return;
        if (method.ContainsGenericParameters) return;
        var args = method.GetParameters().Select(SampleValue).ToArray();
        // A disposed module throws on first access of its tensors; a lazy method must not touch them before enumeration.
        var result = method.Invoke(null, args);
        result.ShouldNotBeNull();
        result.ShouldNotBeAssignableTo<System.Collections.ICollection>();
    }

    private static object? SampleValue(ParameterInfo p)
    {
        var t = p.ParameterType;
        if (p.HasDefaultValue) return p.DefaultValue;
        if (t == typeof(string)) return "";
        if (t == typeof(PathPattern)) return PathPattern.Parse("**");
        if (typeof(Module).IsAssignableFrom(t)) return nn.Sequential(nn.Linear(1, 1));
        if (typeof(Tensor).IsAssignableFrom(t)) return new Parameter(torch.zeros(1));
        if (t.IsArray) return Array.CreateInstance(t.GetElementType()!, 0);
        if (t.IsValueType) return Activator.CreateInstance(t);
        if (t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(IEnumerable<>) || t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)))
            return Array.CreateInstance(t.GetGenericArguments()[0], 0);
        if (t == typeof(SummaryOptions)) return SummaryOptions.Default;
        return null;
    }
}
