using System.Reflection;
using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;

namespace TorchModel.Internal;

/// <summary>
/// Collects the rows and totals of a summary with torchinfo's algorithm (torchinfo.py, layer_info.py,
/// model_statistics.py), in time linear in the number of modules and rows.
/// </summary>
internal static class SummaryBuilder
{
    /// <summary>A module's place in the tree: its first path in pre-order, its depth, its parent.</summary>
    internal sealed class Node
    {
        public required Module Module;
        public required string Path;
        public required int Depth;
        public required Node? Parent;
        public int ChildCount;
        public long OwnTotal, OwnTrainable, OwnBytes, SubtreeTotal, SubtreeTrainable, SubtreeBytes;
        public List<(string Name, Parameter Parameter)>? Own;
        public bool CountsKnown;
    }

    /// <summary>One summary row: a call of a layer (or a container shown above its called descendants).</summary>
    internal sealed class Row
    {
        public required Node Node;
        public bool Executed;
        public long[]? InputShape;
        public long[]? OutputShape;
        public long OutputBytes;
        public string Inputs = "";
        public object?[]? Arguments;
    }

    /// <summary>The module tree in pre-order, each module once.</summary>
    internal sealed class Tree
    {
        public readonly Dictionary<Module, Node> Nodes = new(ReferenceEqualityComparer.Instance);
        public readonly List<Node> Order = new();
        public bool SharesModules;
    }

    public static ModelSummary Build(Module root, SummaryOptions options, Tensor[]? inputs)
    {
        var tree = Walk(root);
        bool forward = inputs is not null || options.InputShapes.Count > 0;
        List<Row> rows;
        long inputBytes = 0;
        if (forward)
        {
            rows = AddMissingContainers(RunForward(root, options, inputs, tree, out inputBytes));
        }
        else
        {
            rows = new List<Row>(tree.Order.Count);
            foreach (var node in tree.Order) rows.Add(new Row { Node = node });
        }
        return Finish(root, options, tree, rows, forward, inputBytes);
    }

    private static Tree Walk(Module root)
    {
        var tree = new Tree();
        var stack = new Stack<(string Path, Module Module, Node? Parent)>();
        var children = new List<(string Name, Module Module)>();
        stack.Push(("", root, null));
        while (stack.Count > 0)
        {
            var (path, module, parent) = stack.Pop();
            if (tree.Nodes.ContainsKey(module))
            {
                tree.SharesModules = true;
                continue;
            }
            var node = new Node { Module = module, Path = path, Depth = parent is null ? 0 : parent.Depth + 1, Parent = parent };
            tree.Nodes.Add(module, node);
            tree.Order.Add(node);
            children.Clear();
            ModuleInternals.Children(module, children);
            node.ChildCount = children.Count;
            for (int i = children.Count - 1; i >= 0; i--) stack.Push((PythonNames.Join(path, children[i].Name), children[i].Module, node));
        }
        return tree;
    }

    private static List<Row> RunForward(Module root, SummaryOptions options, Tensor[]? given, Tree tree, out long inputBytes)
    {
        int arity = given?.Length ?? options.InputShapes.Count;
        var call = CallMethod(root, arity) ?? throw Throw.SummaryArity(PythonNames.ClassName(root), arity);

        var rows = new List<Row>();
        var running = new Stack<Row>();
        var removers = new List<Action>();
        var training = TrainingFlags.Save(tree.Order.Select(static n => n.Module));
        string modelInputs = "";
        inputBytes = 0;

        void Before(Node node, object?[] arguments)
        {
            var row = new Row { Node = node, Executed = true, InputShape = FirstTensor(arguments)?.shape, Inputs = Describe(arguments), Arguments = arguments };
            rows.Add(row);
            running.Push(row);
        }

        void After(Node node, object? result)
        {
            if (running.Count == 0 || !ReferenceEquals(running.Peek().Node, node)) return;
            var row = running.Pop();
            if (FirstTensor(result) is { IsInvalid: false } output)
            {
                row.OutputShape = output.shape;
                row.OutputBytes = output.numel() * output.element_size();
                NativeLayerCalls.AddRows(node.Module, row.Arguments ?? [], output, tree, rows);
            }
            row.Arguments = null;
        }

        try
        {
            foreach (var node in tree.Order)
            {
                if (node.Module is NativeModule) continue;
                var current = node;
                ForwardHooks.TryRegister(node.Module, arguments => Before(current, arguments), result => After(current, result), removers);
            }
            training.Eval();
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            Tensor[] inputs;
            if (given is not null) inputs = given;
            else
            {
                var device = ModuleWalker.Parameters(root, "", recurse: true, removeDuplicate: true).Select(p => p.Parameter.device).FirstOrDefault() ?? torch.CPU;
                inputs = new Tensor[arity];
                for (int i = 0; i < arity; i++)
                {
                    var type = options.InputTypes.Count > 0 ? options.InputTypes[i] : options.InputType;
                    // torchinfo: torch.rand(*size).to(device).type(dtype), so integer inputs are zeros.
                    inputs[i] = torch.rand(options.InputShapes[i], torch.ScalarType.Float32, device).to(type);
                }
            }
            foreach (var input in inputs) inputBytes += input.numel() * input.element_size();
            modelInputs = Describe(inputs);
            try
            {
                call.Invoke(root, inputs);
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner && inner is not OutOfMemoryException)
            {
                var failing = running.Count > 0 ? running.Peek() : null;
                throw Throw.SummaryForward(failing?.Node.Path ?? "", PythonNames.ClassName(failing?.Node.Module ?? root),
                    failing?.Inputs ?? "", modelInputs, inner);
            }
        }
        finally
        {
            foreach (var remove in removers) remove();
            training.Restore();
        }
        return rows;
    }

    /// <summary>The <c>call(Tensor, ...)</c> of the model's <c>Module&lt;Tensor, ..., TResult&gt;</c> base taking
    /// <paramref name="arity"/> tensors, or null.</summary>
    private static MethodInfo? CallMethod(Module root, int arity)
    {
        for (var t = root.GetType(); t is not null && t != typeof(Module); t = t.BaseType)
        {
            if (!t.IsGenericType || t.DeclaringType != typeof(torch.nn) || !t.Name.StartsWith("Module`", StringComparison.Ordinal)) continue;
            var arguments = t.GetGenericArguments();
            if (arguments.Length - 1 != arity || arguments[..^1].Any(a => a != typeof(Tensor))) return null;
            return t.GetMethod("call", arguments[..^1]);
        }
        return null;
    }

    /// <summary>torchinfo's <c>calculate_size</c>: the tensor itself, or a tuple's or list's first tensor.</summary>
    internal static Tensor? FirstTensor(object? value)
    {
        for (int guard = 0; guard < 64; guard++)
        {
            switch (value)
            {
                case Tensor tensor:
                    return tensor;
                case ITuple { Length: > 0 } tuple:
                    value = tuple[0];
                    continue;
                case System.Collections.IList { Count: > 0 } list:
                    value = list[0];
                    continue;
                default:
                    return null;
            }
        }
        return null;
    }

    private static string Describe(IEnumerable<object?> values)
    {
        var parts = new List<string>();
        foreach (var value in values)
        {
            if (FirstTensor(value) is { IsInvalid: false } t) parts.Add(ModelSummary.Shape(t.shape) + " " + PythonLiteral.DType(t.dtype));
        }
        return string.Join(", ", parts);
    }

    /// <summary>torchinfo's <c>add_missing_container_layers</c>: a called layer's ancestors that have no row of their own
    /// above it (a <c>ModuleList</c> is never called) get one, without shapes.</summary>
    private static List<Row> AddMissingContainers(List<Row> rows)
    {
        var result = new List<Row>(rows.Count);
        var current = new List<Module?>();
        var missing = new List<Node>();
        foreach (var row in rows)
        {
            missing.Clear();
            for (var ancestor = row.Node.Parent; ancestor is not null && ancestor.Depth > 0; ancestor = ancestor.Parent)
            {
                if (ancestor.Depth < current.Count && ReferenceEquals(current[ancestor.Depth], ancestor.Module)) break;
                missing.Add(ancestor);
            }
            for (int i = missing.Count - 1; i >= 0; i--)
            {
                result.Add(new Row { Node = missing[i] });
                SetCurrent(current, missing[i].Depth, missing[i].Module);
            }
            SetCurrent(current, row.Node.Depth, row.Node.Module);
            result.Add(row);
        }
        return result;
    }

    private static void SetCurrent(List<Module?> current, int depth, Module module)
    {
        while (current.Count <= depth) current.Add(null);
        current[depth] = module;
        if (current.Count > depth + 1) current.RemoveRange(depth + 1, current.Count - depth - 1);
    }

    private static ModelSummary Finish(Module root, SummaryOptions options, Tree tree, List<Row> rows, bool forward, long inputBytes)
    {
        CountParameters(tree);
        int n = rows.Count;
        var leaf = new bool[n];
        var total = new long[n];
        var recursive = new bool[n];
        var macs = new long[n];
        var depthIndex = new int[n];
        var counters = new Dictionary<int, int>();
        var seen = new HashSet<nint>();
        long multAdds = 0, forwardBackward = 0;
        bool anyRecursive = false;
        for (int i = 0; i < n; i++)
        {
            var row = rows[i];
            var node = row.Node;
            var (subtotal, _) = Subtree(node);
            total[i] = subtotal;
            leaf[i] = node.ChildCount == 0;
            bool contributedNew = false, ownsAny = false;
            foreach (var (_, p) in Own(node))
            {
                if (p.numel() > 0) ownsAny = true;
                if (seen.Add(TensorIdentity.Of(p))) contributedNew = true;
            }
            recursive[i] = ownsAny && !contributedNew;
            anyRecursive |= recursive[i];
            if (leaf[i] && row.OutputShape is not null)
            {
                macs[i] = MultAdds(node.Module, row.OutputShape, Own(node));
                multAdds += macs[i];
            }
            if (leaf[i] && subtotal > 0) forwardBackward += row.OutputBytes * 2;
            if (node.Depth > 0)
            {
                counters.TryGetValue(node.Depth, out int index);
                depthIndex[i] = counters[node.Depth] = index + 1;
            }
        }
        var leftover = Leftover(rows, total, leaf, recursive, anyRecursive);

        var result = new List<SummaryRow>(n);
        for (int i = 0; i < n; i++)
        {
            var row = rows[i];
            result.Add(new SummaryRow(row.Node.Path, PythonNames.ClassName(row.Node.Module), row.Node.Depth, depthIndex[i],
                row.InputShape, row.OutputShape, total[i], Subtree(row.Node).Trainable, leftover[i], macs[i], leaf[i], recursive[i]));
        }

        // Totals from the root, each tensor once: the root's subtree counts (summed bottom-up, or walked when shared).
        var rootNode = tree.Order[0];
        Subtree(rootNode);
        var (totalParameters, trainableParameters, parameterBytes) = (rootNode.SubtreeTotal, rootNode.SubtreeTrainable, rootNode.SubtreeBytes);
        return new ModelSummary(options, PythonNames.ClassName(root), result.AsReadOnly(), forward,
            totalParameters, trainableParameters, multAdds, inputBytes, forwardBackward, parameterBytes);
    }

    private static List<(string Name, Parameter Parameter)> Own(Node node)
    {
        if (node.Own is null)
        {
            node.Own = new List<(string Name, Parameter Parameter)>();
            ModuleInternals.OwnParameters(node.Module, node.Own);
        }
        return node.Own;
    }

    /// <summary>Each module's parameter elements, its subtree's included, each tensor once (torchinfo's
    /// <c>named_parameters()</c> per row). Summed bottom-up when no module or tensor is reached twice; otherwise
    /// walked per module.</summary>
    private static void CountParameters(Tree tree)
    {
        bool shared = tree.SharesModules;
        var identities = new HashSet<nint>();
        foreach (var node in tree.Order)
        {
            foreach (var (_, p) in Own(node))
            {
                node.OwnTotal += p.numel();
                node.OwnBytes += p.numel() * p.element_size();
                if (p.requires_grad) node.OwnTrainable += p.numel();
                if (!identities.Add(TensorIdentity.Of(p))) shared = true;
            }
        }
        if (shared) return;
        for (int i = tree.Order.Count - 1; i >= 0; i--)
        {
            var node = tree.Order[i];
            node.SubtreeTotal += node.OwnTotal;
            node.SubtreeTrainable += node.OwnTrainable;
            node.SubtreeBytes += node.OwnBytes;
            node.CountsKnown = true;
            if (node.Parent is { } parent)
            {
                parent.SubtreeTotal += node.SubtreeTotal;
                parent.SubtreeTrainable += node.SubtreeTrainable;
                parent.SubtreeBytes += node.SubtreeBytes;
            }
        }
    }

    private static (long Total, long Trainable) Subtree(Node node)
    {
        if (!node.CountsKnown)
        {
            var (total, trainable, bytes) = ParameterCounter.Count(node.Module);
            (node.SubtreeTotal, node.SubtreeTrainable, node.SubtreeBytes, node.CountsKnown) = (total, trainable, bytes, true);
        }
        return (node.SubtreeTotal, node.SubtreeTrainable);
    }

    /// <summary>torchinfo's <c>leftover_params</c>: a row's parameters minus what the rows below it (up to the next
    /// row at its depth or above) account for: a leaf its parameters, a container its own leftover, a recursive row its
    /// parameters once per module, its subtree skipped.</summary>
    private static long[] Leftover(List<Row> rows, long[] total, bool[] leaf, bool[] recursive, bool anyRecursive)
    {
        int n = rows.Count;
        var leftover = new long[n];
        // end[i]: the first row after i at i's depth or above.
        var end = new int[n];
        var open = new Stack<int>();
        for (int i = 0; i < n; i++)
        {
            while (open.Count > 0 && rows[open.Peek()].Node.Depth >= rows[i].Node.Depth) end[open.Pop()] = i;
            open.Push(i);
        }
        while (open.Count > 0) end[open.Pop()] = n;

        if (!anyRecursive)
        {
            // Without recursive rows every row below counts: suffix sums of (leaf ? params : leftover), from the end.
            var suffix = new long[n + 1];
            for (int i = n - 1; i >= 0; i--)
            {
                leftover[i] = total[i] - (suffix[i + 1] - suffix[end[i]]);
                suffix[i] = suffix[i + 1] + (leaf[i] ? total[i] : leftover[i]);
            }
            return leftover;
        }
        for (int i = n - 1; i >= 0; i--)
        {
            long value = total[i];
            var done = new HashSet<Module>(ReferenceEqualityComparer.Instance);
            for (int j = i + 1; j < end[i];)
            {
                if (recursive[j])
                {
                    if (done.Add(rows[j].Node.Module)) value -= total[j];
                    j = end[j];
                    continue;
                }
                done.Add(rows[j].Node.Module);
                value -= leaf[j] ? total[j] : leftover[j];
                j++;
            }
            leftover[i] = value;
        }
        return leftover;
    }

    /// <summary>torchinfo's mult-adds of a leaf layer, the rule chosen by the module's type: a convolution's weight and
    /// bias count at every output position of every sample, a linear layer's at every position of the output but the
    /// last dimension, any other weight or bias once per sample; other parameters named like weights or biases (an RNN's
    /// <c>weight_ih_l0</c>) once per position of the first two output dimensions.</summary>
    private static long MultAdds(Module module, long[] output, List<(string Name, Parameter Parameter)> own)
    {
        bool convolution = module is Convolution;
        bool linear = module is Linear or Bilinear || (module is NativeModule native && native.PythonClassName is "Linear" or "NonDynamicallyQuantizableLinear");
        long macs = 0;
        foreach (var (name, p) in own)
        {
            long count = p.numel();
            if (name is "weight" or "bias")
            {
                if (convolution) macs += count * (output.Length > 0 ? output[0] : 1) * Product(output, 2, output.Length);
                else if (linear) macs += count * Product(output, 0, output.Length - 1);
                else macs += (output.Length > 0 ? output[0] : 1) * count;
            }
            else if (name.Contains("weight", StringComparison.Ordinal) || name.Contains("bias", StringComparison.Ordinal))
            {
                macs += Product(output, 0, Math.Min(2, output.Length)) * count;
            }
        }
        return macs;
    }

    internal static long Product(long[] shape, int from, int to)
    {
        long product = 1;
        for (int i = from; i < to; i++) product *= shape[i];
        return product;
    }
}
