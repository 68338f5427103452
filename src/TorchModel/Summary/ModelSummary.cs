using System.Globalization;
using System.Text;

namespace TorchModel;

/// <summary>The result of <see cref="ModuleExtensions.Summary(Module, SummaryOptions)"/>: rows and totals, rendered by
/// <see cref="ToString"/> as a torchinfo-style table.</summary>
/// <remarks>Numbers follow torchinfo's definitions: parameter totals from the root (tied weights once); mult-adds summed
/// over leaf layers; forward/backward size = 2 × output bytes of leaf layers that own parameters; params size =
/// parameter bytes; sizes in decimal units. One deliberate difference: <see cref="InputBytes"/> is the tensors' data
/// size, whereas torchinfo adds CPython's object overhead (<c>sys.getsizeof</c>), so for a (1, 3, 224, 224) float input
/// it prints 602.17 kB where this prints 602.11 kB.</remarks>
public sealed class ModelSummary
{
    private readonly SummaryOptions _options;

    internal ModelSummary(SummaryOptions options, string rootClassName, IReadOnlyList<SummaryRow> rows, bool hasForwardPass,
        long totalParameters, long trainableParameters, long totalMultAdds, long inputBytes, long forwardBackwardBytes, long parameterBytes)
    {
        _options = options;
        RootClassName = rootClassName;
        Rows = rows;
        HasForwardPass = hasForwardPass;
        TotalParameters = totalParameters;
        TrainableParameters = trainableParameters;
        TotalMultAdds = totalMultAdds;
        InputBytes = inputBytes;
        ForwardBackwardBytes = forwardBackwardBytes;
        ParameterBytes = parameterBytes;
    }

    /// <summary>Gets the class name of the summarized model.</summary>
    public string RootClassName { get; }

    /// <summary>Gets every row, in call order (pre-order without a forward pass), including rows deeper than the depth limit.</summary>
    public IReadOnlyList<SummaryRow> Rows { get; }

    /// <summary>Gets whether a forward pass ran (false in the parameters-only mode).</summary>
    public bool HasForwardPass { get; }

    /// <summary>Gets the elements of all parameters, each tensor once.</summary>
    public long TotalParameters { get; }

    /// <summary>Gets the elements of the parameters that require gradients.</summary>
    public long TrainableParameters { get; }

    /// <summary>Gets the elements of the parameters that do not require gradients.</summary>
    public long NonTrainableParameters => TotalParameters - TrainableParameters;

    /// <summary>Gets the multiply-accumulates of the forward pass by torchinfo's definition.</summary>
    public long TotalMultAdds { get; }

    /// <summary>Gets the data bytes of the dummy inputs.</summary>
    public long InputBytes { get; }

    /// <summary>Gets torchinfo's forward/backward pass size: twice the output bytes of the leaf layers that own parameters.</summary>
    public long ForwardBackwardBytes { get; }

    /// <summary>Gets the bytes of all parameters, each tensor once.</summary>
    public long ParameterBytes { get; }

    /// <summary>Gets the sum of input, forward/backward and parameter bytes.</summary>
    public long EstimatedTotalBytes => InputBytes + ForwardBackwardBytes + ParameterBytes;

    /// <summary>Renders the torchinfo-style table.</summary>
    /// <returns>The table, lines separated by <c>\n</c>, without a trailing newline.</returns>
    public override string ToString()
    {
        var columns = new List<SummaryColumns>();
        foreach (var c in new[] { SummaryColumns.InputShape, SummaryColumns.OutputShape, SummaryColumns.ParamCount, SummaryColumns.MultAdds, SummaryColumns.Trainable })
        {
            if (!_options.Columns.HasFlag(c)) continue;
            if (!HasForwardPass && c is not (SummaryColumns.ParamCount or SummaryColumns.Trainable)) continue;
            columns.Add(c);
        }
        int width = _options.ColumnWidth;
        int nameWidth = 40;
        int longest = 0;
        foreach (var row in Rows) longest = Math.Max(longest, LayerName(row).Length + row.Depth * 5 + 1);
        if (longest >= nameWidth) nameWidth = (longest + 4) / 5 * 5;
        var divider = new string('=', nameWidth + width * columns.Count);

        var sb = new StringBuilder();
        sb.Append(divider).Append('\n');
        AppendRow(sb, "Layer (type:depth-idx)", columns.Select(Title), nameWidth, width);
        sb.Append(divider).Append('\n');
        foreach (var row in Rows)
        {
            if (row.Depth > _options.Depth) continue;
            bool atMaxDepth = row.Depth == _options.Depth;
            AppendRow(sb, Indent(row.Depth) + LayerName(row), columns.Select(c => Cell(row, c, atMaxDepth)), nameWidth, width);
        }
        sb.Append(divider).Append('\n');
        sb.Append("Total params").Append(Format(TotalParameters, bytes: false, auto: false)).Append('\n');
        sb.Append("Trainable params").Append(Format(TrainableParameters, bytes: false, auto: false)).Append('\n');
        sb.Append("Non-trainable params").Append(Format(NonTrainableParameters, bytes: false, auto: false)).Append('\n');
        if (HasForwardPass)
        {
            sb.Append("Total mult-adds").Append(Format(TotalMultAdds, bytes: false, auto: true)).Append('\n');
            sb.Append(divider).Append('\n');
            sb.Append("Input size").Append(Format(InputBytes, bytes: true, auto: true)).Append('\n');
            sb.Append("Forward/backward pass size").Append(Format(ForwardBackwardBytes, bytes: true, auto: true)).Append('\n');
            sb.Append("Params size").Append(Format(ParameterBytes, bytes: true, auto: true)).Append('\n');
            sb.Append("Estimated Total Size").Append(Format(EstimatedTotalBytes, bytes: true, auto: true)).Append('\n');
        }
        sb.Append(divider);
        return sb.ToString();
    }

    private static string Title(SummaryColumns column) => column switch
    {
        SummaryColumns.InputShape => "Input Shape",
        SummaryColumns.OutputShape => "Output Shape",
        SummaryColumns.ParamCount => "Param #",
        SummaryColumns.MultAdds => "Mult-Adds",
        _ => "Trainable",
    };

    private string Cell(SummaryRow row, SummaryColumns column, bool atMaxDepth) => column switch
    {
        SummaryColumns.InputShape => Shape(row.InputShape),
        SummaryColumns.OutputShape => Shape(row.OutputShape),
        SummaryColumns.ParamCount => ParamCell(row, atMaxDepth),
        SummaryColumns.MultAdds => MultAddsCell(row, atMaxDepth),
        _ => row.Parameters == 0 ? "--" : row.TrainableParameters == row.Parameters ? "True" : row.TrainableParameters == 0 ? "False" : "Partial",
    };

    private static string ParamCell(SummaryRow row, bool atMaxDepth)
    {
        if (row.Parameters == 0) return "--";
        if (row.IsRecursive) return "(recursive)";
        if (atMaxDepth || row.IsLeaf)
        {
            var text = Thousands(row.Parameters);
            return row.TrainableParameters != 0 ? text : "(" + text + ")";
        }
        return row.LeftoverParameters > 0 ? Thousands(row.LeftoverParameters) : "--";
    }

    private string MultAddsCell(SummaryRow row, bool atMaxDepth)
    {
        if (row.IsLeaf) return row.MultAdds > 0 ? Thousands(row.MultAdds) : "--";
        if (!atMaxDepth) return "--";
        // The subtree's leaf rows: the rows after this one that are deeper, up to the next row at this depth or above.
        long sum = 0;
        int start = -1;
        for (int i = 0; i < Rows.Count; i++) if (ReferenceEquals(Rows[i], row)) { start = i; break; }
        for (int i = start + 1; i < Rows.Count && Rows[i].Depth > row.Depth; i++) if (Rows[i].IsLeaf) sum += Rows[i].MultAdds;
        return sum > 0 ? Thousands(sum) : "--";
    }

    private static string LayerName(SummaryRow row)
        => row.Depth == 0 ? row.ClassName : $"{row.ClassName}: {row.Depth}-{row.DepthIndex}";

    private static string Indent(int depth) => depth switch
    {
        0 => "",
        1 => "├─",
        _ => string.Concat(Enumerable.Repeat("│    ", depth - 1)) + "└─",
    };

    private static void AppendRow(StringBuilder sb, string name, IEnumerable<string> cells, int nameWidth, int width)
    {
        var line = new StringBuilder(name.PadRight(nameWidth)).Append(' ');
        foreach (var cell in cells) line.Append(cell.PadRight(width)).Append(' ');
        sb.Append(line.ToString().TrimEnd()).Append('\n');
    }

    internal static string Shape(long[]? shape) => shape is null ? "--" : "[" + string.Join(", ", shape) + "]";

    private static string Thousands(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>torchinfo's number format: <c>": 1,234"</c> without a unit, or <c>" (MB): 46.76"</c> with automatic decimal units.</summary>
    internal static string Format(long value, bool bytes, bool auto)
    {
        if (!auto || value < 1_000) return ": " + Thousands(value);
        (string unit, double factor) = value >= 1e12 ? ("T", 1e12) : value >= 1e9 ? ("G", 1e9) : value >= 1e6 ? ("M", 1e6) : ("k", 1e3);
        double converted = value / factor;
        string number = converted == Math.Floor(converted)
            ? ((long)converted).ToString("#,0", CultureInfo.InvariantCulture)
            : converted.ToString("#,0.00", CultureInfo.InvariantCulture);
        return $" ({unit}{(bytes ? "B" : "")}): {number}";
    }
}
