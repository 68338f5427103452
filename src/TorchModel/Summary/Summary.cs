using TorchModel.Internal;
using TorchSharp;

namespace TorchModel;

public static partial class ModuleExtensions
{
    /// <summary>Summarizes a model as torchinfo does, running one forward pass on dummy inputs of the given shapes.</summary>
    /// <param name="module">The model; its forward must take as many tensors as shapes are given.</param>
    /// <param name="inputShapes">One shape per forward argument, batch dimension included, e.g. <c>[1, 3, 224, 224]</c>.
    /// None: parameters-only summary without a forward pass.</param>
    /// <returns>The summary; <c>ToString()</c> renders the table.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="inputShapes"/> (or one shape) is null.</exception>
    /// <exception cref="ArgumentException">A shape has a negative dimension, or the forward does not take that many tensors.</exception>
    /// <exception cref="SummaryForwardException">The forward pass failed; the message names the layer path and type.</exception>
    /// <remarks>Equivalent to torchinfo's <c>summary(model, input_size=shapes)</c>; see
    /// <see cref="Summary(Module, SummaryOptions)"/> for the details.</remarks>
    public static ModelSummary Summary(this Module module, params long[][] inputShapes)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputShapes);
        return Summary(module, SummaryOptions.Default with { InputShapes = inputShapes });
    }

    /// <summary>Summarizes a model as torchinfo does: per-layer output shapes and parameter counts, totals, mult-adds and
    /// memory estimates.</summary>
    /// <param name="module">The model.</param>
    /// <param name="options">Input shapes, depth limit, columns; see <see cref="SummaryOptions"/>.</param>
    /// <returns>The summary; <c>ToString()</c> renders the table.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="options"/> (or a shape) is null.</exception>
    /// <exception cref="ArgumentException">A shape has a negative dimension, the depth or column width is out of range,
    /// or the forward does not take that many tensors.</exception>
    /// <exception cref="SummaryForwardException">The forward pass failed; the message names the layer path and type.</exception>
    /// <remarks>
    /// <para>Equivalent to torchinfo's <c>summary(model, input_size, depth, col_names, col_width)</c>. With input shapes,
    /// one forward pass runs under <c>no_grad</c> on random inputs (device of the model's first parameter, dtype
    /// <see cref="SummaryOptions.InputType"/>), in eval mode so BatchNorm statistics are not updated (torchinfo's default
    /// mode keeps train mode); every module's train/eval flag is restored afterwards, and every tensor the pass creates is
    /// disposed. Rows come from TorchSharp forward hooks, which fire only when a layer is invoked with <c>call(...)</c>
    /// (not <c>forward(...)</c>), one row per call, in call order. Output shapes are recorded for layers whose forward
    /// takes and returns one tensor; others show <c>--</c>. Without input shapes, rows are the module tree in pre-order
    /// and only parameter counts are shown.</para>
    /// <para>TorchSharp has no summary.</para>
    /// </remarks>
    public static ModelSummary Summary(this Module module, SummaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.InputShapes, nameof(options) + "." + nameof(options.InputShapes));
        if (options.Depth < 0) throw Throw.BadSummaryDepth(options.Depth, nameof(options));
        if (options.ColumnWidth < 1) throw Throw.BadColumnWidth(options.ColumnWidth, nameof(options));
        foreach (var shape in options.InputShapes)
        {
            if (shape is null) throw Throw.NullInputShape(nameof(options));
            if (Array.Exists(shape, static d => d < 0))
                throw Throw.NegativeInputShape(ModelSummary.Shape(shape), nameof(options));
        }
        return SummaryBuilder.Build(module, options);
    }
}

/// <summary>Collects the rows and totals of a summary.</summary>
internal static class SummaryBuilder
{
    private sealed class Row
    {
        public required Module Module;
        public required string Path;
        public required int Depth;
        public long[]? InputShape;
        public long[]? OutputShape;
        public long OutputBytes;
    }

    public static ModelSummary Build(Module root, SummaryOptions options)
    {
        var paths = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, module) in ModuleWalker.PreOrder(root, "", removeDuplicate: true)) paths[module] = name;

        var rows = new List<Row>();
        long inputBytes = 0;
        bool forward = options.InputShapes.Count > 0;
        if (forward) inputBytes = RunForward(root, options, paths, rows);
        else
        {
            foreach (var (name, module) in ModuleWalker.PreOrder(root, "", removeDuplicate: true))
                rows.Add(new Row { Module = module, Path = name, Depth = name.Length == 0 ? 0 : name.Count(static c => c == '.') + 1 });
        }

        var result = new List<SummaryRow>(rows.Count);
        var depthCounters = new Dictionary<int, int>();
        var seen = new HashSet<nint>();
        long multAdds = 0, forwardBackward = 0;
        var own = new List<(string Name, Parameter Parameter)>();
        var children = new List<(string Name, Module Module)>();
        foreach (var row in rows)
        {
            var (total, trainable, _) = ParameterCounter.Count(row.Module);
            own.Clear();
            ModuleInternals.OwnParameters(row.Module, own);
            long leftover = 0;
            bool contributedNew = false, ownsAny = false;
            foreach (var (_, p) in own)
            {
                leftover += p.numel();
                if (p.numel() > 0) ownsAny = true;
                if (seen.Add(TensorIdentity.Of(p))) contributedNew = true;
            }
            children.Clear();
            ModuleInternals.Children(row.Module, children);
            bool leaf = children.Count == 0;
            string className = PythonNames.ClassName(row.Module);
            long macs = leaf && row.OutputShape is not null ? MultAdds(className, row.OutputShape, own) : 0;
            if (leaf)
            {
                multAdds += macs;
                if (total > 0) forwardBackward += row.OutputBytes * 2;
            }
            int index = 0;
            if (row.Depth > 0)
            {
                depthCounters.TryGetValue(row.Depth, out index);
                depthCounters[row.Depth] = ++index;
            }
            result.Add(new SummaryRow(row.Path, className, row.Depth, index, row.InputShape, row.OutputShape,
                total, trainable, leftover, macs, leaf, IsRecursive: ownsAny && !contributedNew));
        }

        var (totalParameters, trainableParameters, parameterBytes) = ParameterCounter.Count(root);
        return new ModelSummary(options, PythonNames.ClassName(root), result.AsReadOnly(), forward,
            totalParameters, trainableParameters, multAdds, inputBytes, forwardBackward, parameterBytes);
    }

    /// <summary>torchinfo's mult-adds of a leaf layer: weights and biases times the output positions they are applied at.</summary>
    private static long MultAdds(string className, long[] output, List<(string Name, Parameter Parameter)> own)
    {
        long macs = 0;
        foreach (var (name, p) in own)
        {
            long count = p.numel();
            if (name is "weight" or "bias")
            {
                if (className.Contains("Conv", StringComparison.Ordinal))
                    macs += count * (output.Length > 0 ? output[0] : 1) * Product(output, 2, output.Length);
                else if (className.Contains("Linear", StringComparison.Ordinal))
                    macs += count * Product(output, 0, output.Length - 1);
                else
                    macs += (output.Length > 0 ? output[0] : 1) * count;
            }
            else if (name.Contains("weight", StringComparison.Ordinal) || name.Contains("bias", StringComparison.Ordinal))
            {
                macs += Product(output, 0, Math.Min(2, output.Length)) * count;
            }
        }
        return macs;
    }

    private static long Product(long[] shape, int from, int to)
    {
        long product = 1;
        for (int i = from; i < to; i++) product *= shape[i];
        return product;
    }

    private static long RunForward(Module root, SummaryOptions options, Dictionary<Module, string> paths, List<Row> rows)
    {
        int arity = options.InputShapes.Count;
        var call = root switch
        {
            torch.nn.Module<Tensor, Tensor> m when arity == 1 => (Func<Tensor[], object>)(a => m.call(a[0])),
            torch.nn.Module<Tensor, Tensor, Tensor> m when arity == 2 => a => m.call(a[0], a[1]),
            torch.nn.Module<Tensor, Tensor, Tensor, Tensor> m when arity == 3 => a => m.call(a[0], a[1], a[2]),
            _ => throw Throw.UnsupportedForwardArity(PythonNames.ClassName(root), arity, "options"),
        };

        var stack = new Stack<Row>();
        var removers = new List<Action>();
        var training = TrainingFlags.Save(paths.Keys);
        long inputBytes = 0;
        try
        {
            foreach (var (module, path) in paths) AddHooks(module, path, stack, rows, removers);
            root.eval();
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var device = root.parameters().FirstOrDefault()?.device ?? torch.CPU;
            var inputs = options.InputShapes.Select(s => torch.rand(s, options.InputType, device)).ToArray();
            foreach (var input in inputs) inputBytes += input.numel() * input.element_size();
            try
            {
                call(inputs);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var failing = stack.Count > 0 ? stack.Peek() : null;
                string path = failing?.Path ?? "";
                string type = PythonNames.ClassName(failing?.Module ?? root);
                throw Throw.SummaryForwardFailed(path, type, string.Join(", ", options.InputShapes.Select(ModelSummary.Shape)), e);
            }
        }
        finally
        {
            foreach (var remove in removers) remove();
            training.Restore();
        }
        return inputBytes;
    }

    /// <summary>One row per call: opened when the layer is called, closed when it returns. Shapes are recorded for
    /// layers whose forward takes and returns one tensor.</summary>
    private static void AddHooks(Module module, string path, Stack<Row> stack, List<Row> rows, List<Action> removers)
    {
        bool single = module is torch.nn.Module<Tensor, Tensor>;
        ForwardHooks.TryRegister(module,
            args =>
            {
                var row = new Row { Module = module, Path = path, Depth = stack.Count };
                if (single && args[0] is Tensor input) row.InputShape = input.shape;
                rows.Add(row);
                stack.Push(row);
            },
            result =>
            {
                if (stack.Count == 0) return;
                var row = stack.Pop();
                if (!single || result is not Tensor output || output.IsInvalid) return;
                row.OutputShape = output.shape;
                row.OutputBytes = output.numel() * output.element_size();
            },
            removers);
    }
}
