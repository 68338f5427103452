using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using TorchModel.Internal;
using TorchSharp;

namespace TorchModel;

/// <summary>One capture: installs the hooks, runs the forward, removes the hooks, and collects the copies.</summary>
internal sealed class CaptureSession
{
    private readonly List<KeyValuePair<string, Tensor>> _entries = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly bool _includeInputs;

    private CaptureSession(bool includeInputs) => _includeInputs = includeInputs;

    public static CapturedOutputs Run(Module root, MethodInfo call, IReadOnlyList<object> inputs,
        List<(string Name, Module Module)> all, List<(string Name, Module Module)> selected, bool includeInputs, bool evalMode)
    {
        var session = new CaptureSession(includeInputs);
        var removers = new List<Action>();
        var training = TrainingFlags.Save(all.Select(static x => x.Module));
        try
        {
            foreach (var (name, module) in selected)
            {
                int calls = 0;
                var open = new Stack<string>();
                ForwardHooks.TryRegister(module,
                    args =>
                    {
                        string callName = CaptureNames.Call(name, calls++);
                        open.Push(callName);
                        if (session._includeInputs)
                        {
                            string prefix = CaptureNames.Inputs(callName);
                            for (int i = 0; i < args.Length; i++) session.Add(CaptureNames.Element(prefix, i), args[i]);
                        }
                    },
                    result =>
                    {
                        if (open.Count > 0) session.Add(open.Pop(), result);
                    },
                    removers);
            }
            if (evalMode) training.Eval();
            using (torch.no_grad())
            {
                try
                {
                    call.Invoke(root, inputs.ToArray());
                }
                catch (TargetInvocationException e) when (e.InnerException is not null)
                {
                    ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                }
            }
        }
        catch
        {
            foreach (var (_, tensor) in session._entries) tensor.Dispose();
            throw;
        }
        finally
        {
            foreach (var remove in removers) remove();
            if (evalMode) training.Restore();
        }
        return new CapturedOutputs(StateDict.Owning(session._entries));
    }

    /// <summary>Flattens a value as the naming rules say and stores a copy of every tensor in it.</summary>
    private void Add(string name, object? value)
    {
        switch (value)
        {
            case null:
                return;
            case Tensor tensor:
                if (tensor.IsInvalid) throw Throw.DisposedOutput(name);
                if (!_names.Add(name)) throw Throw.CaptureNameCollision(name);
                _entries.Add(new(name, Copy(tensor)));
                return;
            case string:
                return;
            case ITuple tuple:
                for (int i = 0; i < tuple.Length; i++) Add(CaptureNames.Element(name, i), tuple[i]);
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                    Add(CaptureNames.Entry(name, Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? ""), entry.Value);
                return;
            case IEnumerable sequence:
                int index = 0;
                foreach (var item in sequence) Add(CaptureNames.Element(name, index++), item);
                return;
        }
    }

    private static Tensor Copy(Tensor tensor)
    {
        using var detached = tensor.detach();
        var copy = detached.device_type == DeviceType.CPU ? detached.clone() : detached.cpu();
        return copy.DetachFromDisposeScope();
    }
}
