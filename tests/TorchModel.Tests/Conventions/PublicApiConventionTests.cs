using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Conventions;

/// <summary>Rules every public member of TorchModel keeps (reflection-driven, so new members are covered).</summary>
public class PublicApiConventionTests
{
    private static readonly Assembly Library = typeof(ModuleExtensions).Assembly;

    private static string Signature(MethodBase m)
        => m.DeclaringType!.Name + "." + m.Name + "(" + string.Join(",", m.GetParameters().Select(p => TypeName(p.ParameterType))) + ")";

    /// <summary>A short name that tells overloads apart: <c>IEnumerable&lt;(String,Parameter)&gt;</c>.</summary>
    private static string TypeName(Type t)
    {
        if (t.IsByRef) return TypeName(t.GetElementType()!) + "&";
        if (t.IsArray) return TypeName(t.GetElementType()!) + "[]";
        if (!t.IsGenericType) return t.Name;
        var args = string.Join(",", t.GetGenericArguments().Select(TypeName));
        if (t.FullName?.StartsWith("System.ValueTuple", StringComparison.Ordinal) == true) return "(" + args + ")";
        return t.Name[..t.Name.IndexOf('`')] + "<" + args + ">";
    }

    /// <summary>Public and protected methods and constructors that callers write themselves: property accessors,
    /// operators and compiler-generated record members excluded; indexers included.</summary>
    private static IEnumerable<MethodBase> PublicMembers()
        => Library.GetExportedTypes().SelectMany(t =>
            t.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .OfType<MethodBase>()
                .Where(m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly)
                .Where(m => !m.IsSpecialName || m is ConstructorInfo || (m.Name == "get_Item" && m.GetParameters().Length > 0))
                .Where(m => m is not ConstructorInfo { IsStatic: true })
                .Where(m => !m.IsDefined(typeof(CompilerGeneratedAttribute), false) && !m.Name.StartsWith('<')));

    public static IEnumerable<object[]> ExtensionMethods()
        => PublicMembers().OfType<MethodInfo>().Where(m => m.IsDefined(typeof(ExtensionAttribute), false)).Select(m => new object[] { Signature(m) });

    public static IEnumerable<object[]> MembersTakingReferences()
        => PublicMembers().Where(m => m.GetParameters().Any(p => !p.ParameterType.IsValueType && !p.IsOut)).Select(m => new object[] { Signature(m) });

    /// <summary>Every public method that returns a sequence (<see cref="IEnumerable{T}"/>); snapshots (lists,
    /// dictionaries) and enumerators are not sequences here.</summary>
    public static IEnumerable<object[]> SequenceMethods()
        => PublicMembers().OfType<MethodInfo>()
            .Where(m => m.ReturnType.IsGenericType && m.ReturnType.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            .Select(m => new object[] { Signature(m) });

    private static MethodBase Find(string signature) => PublicMembers().Single(m => Signature(m) == signature);

    [Fact]
    public void MemberDiscovery_FindsTheKnownSurface()
    {
        SequenceMethods().Select(x => (string)x[0]).ShouldContain("ModuleExtensions.NamedModules(Module,String,Boolean)");
        SequenceMethods().Count().ShouldBeGreaterThanOrEqualTo(18);
        MembersTakingReferences().Select(x => (string)x[0]).ShouldContain("StateDict..ctor(IEnumerable<KeyValuePair<String,Tensor>>)");
        MembersTakingReferences().Select(x => (string)x[0]).ShouldContain("StateDict.get_Item(String)");
        MembersTakingReferences().Select(x => (string)x[0]).ShouldContain("PyTorchModule`2..ctor(String)");
        PublicMembers().Select(Signature).ShouldBeUnique();
    }

    [Theory]
    [MemberData(nameof(ExtensionMethods))]
    public void ExtensionName_DoesNotShadowATorchSharpMember(string signature)
    {
        var method = (MethodInfo)Find(signature);
        var receiver = method.GetParameters()[0].ParameterType;
        var instanceNames = receiver.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.FlattenHierarchy).Select(m => m.Name);
        instanceNames.ShouldNotContain(method.Name);
    }

    /// <summary>
    /// Each non-nullable reference parameter of every public method and constructor, passed null with every other
    /// argument valid, throws <see cref="ArgumentNullException"/> naming it, at the call (not on enumeration), raised by
    /// the public member itself: the first stack frame in TorchModel is that member, not a helper it calls later.
    /// </summary>
    [Theory]
    [MemberData(nameof(MembersTakingReferences))]
    public void NullReferenceArguments_ThrowArgumentNullExceptionFromThePublicMember(string signature)
    {
        var member = Close(Find(signature));
        var parameters = member.GetParameters();
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.ParameterType.IsValueType || p.IsOut) continue;
            if (new NullabilityInfoContext().Create(p).WriteState == NullabilityState.Nullable) continue;
            var args = parameters.Select((q, j) => j == i ? null : Samples.Valid(q)).ToArray();
            var thrown = Should.Throw<Exception>(() => Invoke(member, args), $"{signature}: null {p.Name}");
            var inner = (thrown is TargetInvocationException tie ? tie.InnerException : thrown).ShouldBeOfType<ArgumentNullException>($"{signature}: null {p.Name}");
            inner.ParamName.ShouldBe(p.Name, $"{signature}: null {p.Name}");
            var origin = FirstLibraryFrame(inner);
            origin.ShouldNotBeNull($"{signature}: null {p.Name} was not rejected by TorchModel code");
            SameMember(origin, member).ShouldBeTrue($"{signature}: null {p.Name} was rejected by {origin.DeclaringType?.Name}.{origin.Name}, not by the public member");
        }
    }

    /// <summary>
    /// Every public sequence method is lazy: called with a module that throws when its children are read and with
    /// sequences that throw when enumerated (MoreLINQ's breaking sequence), it returns without touching them; enumerating
    /// the result then does touch them, so the probe is known to reach the arguments.
    /// </summary>
    [Theory]
    [MemberData(nameof(SequenceMethods))]
    public void SequenceMethods_AreLazy_ProvenWithArgumentsThatThrowWhenTouched(string signature)
    {
        var method = (MethodInfo)Close(Find(signature));
        var parameters = method.GetParameters();
        var breaking = new List<IDisposable>();
        try
        {
            var args = parameters.Select(p => Samples.Breaking(p, breaking) ?? Samples.Valid(p)).ToArray();
            args.Any(a => a is BreakingModule or IBreakingSequence).ShouldBeTrue($"{signature}: no argument of a type that can break; add one to {nameof(Samples)}.{nameof(Samples.Breaking)}.");

            var result = (IEnumerable)method.Invoke(method.IsStatic ? null : Samples.Instance(method.DeclaringType!), args)!;
            args.OfType<BreakingModule>().ShouldAllBe(m => m.Touches == 0, $"{signature} read the module before enumeration");
            args.OfType<IBreakingSequence>().ShouldAllBe(s => s.Touches == 0, $"{signature} enumerated its source before enumeration");

            Should.Throw<TouchedException>(() => { foreach (var _ in result) { } }, $"{signature}: enumerating the result never reached the breaking argument");
        }
        finally
        {
            foreach (var d in breaking) d.Dispose();
        }
    }

    [Fact]
    public void BreakingModule_ThrowsWhenItsChildrenAreRead_ButNotBefore()
    {
        using var module = new BreakingModule();
        module.Touches.ShouldBe(0);
        Should.Throw<TouchedException>(() => module.NamedChildren().ToList());
        module.Touches.ShouldBe(1);
    }

    private static object? Invoke(MethodBase member, object?[] args) => member switch
    {
        ConstructorInfo ctor when ctor.DeclaringType!.IsAbstract => Samples.ConstructDerived(ctor, args),
        ConstructorInfo ctor => ctor.Invoke(args),
        MethodInfo m => m.Invoke(m.IsStatic ? null : Samples.Instance(m.DeclaringType!), args),
        _ => throw new InvalidOperationException(member.ToString()),
    };

    /// <summary>Closes open generic methods and types with their constraints (or <see cref="Module"/>/<see cref="Tensor"/>).</summary>
    private static MethodBase Close(MethodBase member)
    {
        var type = member.DeclaringType!;
        if (type.ContainsGenericParameters)
        {
            var closed = type.MakeGenericType(type.GetGenericArguments().Select(_ => typeof(Tensor)).ToArray());
            member = closed.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .OfType<MethodBase>().Single(m => m.MetadataToken == member.MetadataToken);
        }
        if (member is MethodInfo { ContainsGenericParameters: true } method)
            member = method.MakeGenericMethod(method.GetGenericArguments().Select(a => a.GetGenericParameterConstraints().FirstOrDefault(c => !c.IsInterface) ?? typeof(object)).ToArray());
        return member;
    }

    private static MethodBase? FirstLibraryFrame(Exception e)
        => new StackTrace(e, false).GetFrames().Select(f => f.GetMethod()).FirstOrDefault(m => m?.Module.Assembly == Library);

    private static bool SameMember(MethodBase a, MethodBase b) => a.Module == b.Module && a.MetadataToken == b.MetadataToken;

    /// <summary>Raised by a breaking argument when a method touches it.</summary>
    private sealed class TouchedException() : Exception("A breaking argument was touched.");

    private interface IBreakingSequence
    {
        int Touches { get; }
    }

    /// <summary>A sequence that throws when enumerated.</summary>
    private sealed class BreakingSequence<T> : IEnumerable<T>, IBreakingSequence
    {
        public int Touches { get; private set; }

        public IEnumerator<T> GetEnumerator()
        {
            Touches++;
            throw new TouchedException();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>A module whose children throw when read: TorchModel reads an overriding type's children through
    /// <c>named_children()</c>, so any walk over this module touches it.</summary>
    private sealed class BreakingModule : nn.Module
    {
        public BreakingModule() : base(nameof(BreakingModule)) { }

        public int Touches { get; private set; }

        public override IEnumerable<(string name, nn.Module module)> named_children()
        {
            Touches++;
            throw new TouchedException();
        }
    }

    /// <summary>A concrete <see cref="PyTorchModule{TInput, TOutput}"/> to call its protected constructor through.</summary>
    private sealed class PyTorchModuleProbe(string name) : PyTorchModule<Tensor, Tensor>(name)
    {
        public override Tensor forward(Tensor input) => input;
    }

    /// <summary>Argument values: valid ones, breaking ones, and instances to call instance methods on. A type with
    /// no entry fails the tests that need it, so new public types get covered.</summary>
    private static class Samples
    {
        public static object? Valid(ParameterInfo p)
        {
            var t = p.ParameterType;
            if (p.HasDefaultValue) return p.DefaultValue;
            if (t.IsByRef) return null;
            if (t == typeof(string)) return p.Name is "path" ? Path.Combine(Path.GetTempPath(), $"torchmodel-convention-{Guid.NewGuid():N}.bin") : "";
            if (t == typeof(PathPattern)) return PathPattern.Parse("**");
            if (t == typeof(SummaryOptions)) return SummaryOptions.Default;
            if (t == typeof(CaptureOptions)) return CaptureOptions.Default;
            if (t == typeof(TextWriter)) return new StringWriter();
            if (t == typeof(Stream)) return new MemoryStream();
            if (t == typeof(Exception)) return new InvalidOperationException("inner");
            if (t == typeof(object)) return new Dictionary<string, object?>();
            if (typeof(Module).IsAssignableFrom(t)) return nn.Sequential(nn.Linear(1, 1));
            if (typeof(Tensor).IsAssignableFrom(t)) return new Parameter(torch.zeros(1));
            if (typeof(torch.optim.Optimizer).IsAssignableFrom(t)) return torch.optim.SGD([new Parameter(torch.zeros(1))], 0.1);
            if (t == typeof(torch.Device)) return torch.CPU;
            if (t == typeof(OptimizerStateDict)) return new OptimizerStateDict(new Dictionary<long, IReadOnlyDictionary<string, object?>>(), []);
            if (t == typeof(CheckpointValue)) return Instance(t);
            if (t.IsArray) return Array.CreateInstance(t.GetElementType()!, 0);
            if (t.IsValueType) return Activator.CreateInstance(t);
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Func<,>)) return IdentityFunc(t);
            if (t.IsGenericType && t.GetGenericTypeDefinition() is var g && (g == typeof(IEnumerable<>) || g == typeof(IReadOnlyList<>)))
                return Array.CreateInstance(t.GetGenericArguments()[0], 0);
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
                return Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(t.GetGenericArguments()));
            throw new InvalidOperationException($"No sample value for parameter {p.Name} of type {t}; add one to {nameof(Samples)}.{nameof(Valid)}.");
        }

        public static object? Breaking(ParameterInfo p, List<IDisposable> owned)
        {
            var t = p.ParameterType;
            if (typeof(Module).IsAssignableFrom(t) && t.IsAssignableFrom(typeof(BreakingModule)))
            {
                var module = new BreakingModule();
                owned.Add(module);
                return module;
            }
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                return Activator.CreateInstance(typeof(BreakingSequence<>).MakeGenericType(t.GetGenericArguments()));
            return null;
        }

        public static object Instance(Type type)
        {
            if (type == typeof(StateDict)) return new StateDict([new KeyValuePair<string, Tensor>("w", torch.zeros(1))]);
            if (type == typeof(PathPattern)) return PathPattern.Parse("a.*");
            if (type == typeof(Size)) return new Size(2, 3);
            if (type == typeof(ParameterGroups)) return nn.Linear(1, 1).GroupParameters();
            if (type == typeof(ModelSummary)) return nn.Linear(1, 1).Summary(SummaryOptions.Default);
            if (type == typeof(CheckpointTree)) return PyTorchCheckpoint.Read(Infrastructure.CheckpointGolden.Fixture("train_model.pt"));
            if (type == typeof(CheckpointValue)) return PyTorchCheckpoint.Read(Infrastructure.CheckpointGolden.Fixture("train_model.pt")).Root;
            if (type == typeof(CheckpointDict)) return PyTorchCheckpoint.Read(Infrastructure.CheckpointGolden.Fixture("train_model.pt")).Root.AsDict();
            if (type == typeof(CapturedOutputs)) return nn.Linear(1, 1).CaptureOutputs(torch.zeros(1));
            if (type == typeof(PortCheckReport)) return TorchModel.PortCheck.Compare(new StateDict([]), new StateDict([]));
            throw new InvalidOperationException($"No instance of {type} to call its methods on; add one to {nameof(Samples)}.{nameof(Instance)}.");
        }

        public static object ConstructDerived(ConstructorInfo ctor, object?[] args)
        {
            if (ctor.DeclaringType == typeof(PyTorchModule<Tensor, Tensor>))
            {
                try
                {
                    return new PyTorchModuleProbe((string)args[0]!);
                }
                catch (Exception e)
                {
                    throw new TargetInvocationException(e);
                }
            }
            throw new InvalidOperationException($"No concrete type to construct the abstract {ctor.DeclaringType} through; add one to {nameof(Samples)}.{nameof(ConstructDerived)}.");
        }

        private static object IdentityFunc(Type funcType)
        {
            var arg = funcType.GetGenericArguments()[0];
            var x = System.Linq.Expressions.Expression.Parameter(arg);
            return System.Linq.Expressions.Expression.Lambda(funcType, x, x).Compile();
        }
    }
}
