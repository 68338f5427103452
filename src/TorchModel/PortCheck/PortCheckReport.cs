using System.Globalization;
using System.Text;
using TorchModel.Internal;

namespace TorchModel;

/// <summary>The result of <see cref="PortCheck.Compare"/>: per-tensor errors in execution order, the first divergence,
/// and the names found on one side only. <see cref="ToString"/> gives the verdict; <see cref="Print()"/> adds a table.</summary>
/// <remarks>There is no PyTorch counterpart; the report replaces hand-written hook-and-diff notebooks.</remarks>
public sealed class PortCheckReport
{
    internal PortCheckReport(IReadOnlyList<PortCheckEntry> entries, IReadOnlyList<string> missingInActual,
        IReadOnlyList<string> missingInExpected, double atol, double rtol)
    {
        Entries = entries;
        MissingInActual = missingInActual;
        MissingInExpected = missingInExpected;
        Atol = atol;
        Rtol = rtol;
        FirstDivergence = entries.FirstOrDefault(static e => e.Diverges);
        if (FirstDivergence is { } first)
        {
            SuspectModule = !first.IsInput ? first.Module
                : first.Module == CaptureNames.Root ? null
                : CaptureNames.Parent(first.Module);
        }
    }

    /// <summary>Gets the comparisons of the names present on both sides, in the expected side's execution order.</summary>
    public IReadOnlyList<PortCheckEntry> Entries { get; }

    /// <summary>Gets the names the expected side (the original) has and the actual side (the port) lacks, in execution order.</summary>
    public IReadOnlyList<string> MissingInActual { get; }

    /// <summary>Gets the names only the actual side (the port) has, in its order.</summary>
    public IReadOnlyList<string> MissingInExpected { get; }

    /// <summary>Gets the absolute tolerance used.</summary>
    public double Atol { get; }

    /// <summary>Gets the relative tolerance used.</summary>
    public double Rtol { get; }

    /// <summary>Gets the first entry in execution order that diverges, or null when every compared tensor matches.</summary>
    public PortCheckEntry? FirstDivergence { get; }

    /// <summary>Gets the module whose forward most likely holds the mistake: the first divergence's module when it is an
    /// output; its caller (the dotted parent, or <c>(root)</c>) when it is an input, since every earlier capture matched
    /// and the tensor went wrong before the call. Null when nothing diverges or when the model's own inputs differ.</summary>
    public string? SuspectModule { get; }

    /// <summary>Gets whether every tensor matches and no name is missing on either side.</summary>
    public bool IsMatch => FirstDivergence is null && MissingInActual.Count == 0 && MissingInExpected.Count == 0;

    /// <summary>Renders the verdict: counts, the first divergence with its errors and suspect module, and the missing names.</summary>
    /// <returns>Lines separated by <c>\n</c>, without a trailing newline.</returns>
    public override string ToString()
    {
        var lines = new List<string>();
        int diverging = Entries.Count(static e => e.Diverges);
        string head = $"Port check (atol={Number(Atol)}, rtol={Number(Rtol)}): {Entries.Count} tensors compared, ";
        lines.Add(head + (diverging == 0 ? "all within tolerance." : $"{diverging} diverge."));
        if (FirstDivergence is { } first)
        {
            string what = first.IsInput ? "input" : "output";
            lines.Add($"First divergence: #{first.Index} {first.Name} ({what}, {Describe(first)}).");
            if (!first.IsInput)
                lines.Add($"Every earlier capture matches: look at the forward of '{SuspectModule}'.");
            else if (SuspectModule is null)
                lines.Add("The model's own inputs differ: check the inputs given to both sides.");
            else
                lines.Add($"Every earlier capture matches but this input does not: look at the forward of '{SuspectModule}' before it calls '{first.Module}'.");
        }
        if (MissingInActual.Count > 0)
            lines.Add($"Missing in the port ({MissingInActual.Count}): {string.Join(", ", MissingInActual)}");
        if (MissingInExpected.Count > 0)
            lines.Add($"Only in the port ({MissingInExpected.Count}): {string.Join(", ", MissingInExpected)}");
        return string.Join("\n", lines);
    }

    /// <summary>Writes the verdict and a table of every compared tensor to the console.</summary>
    public void Print() => Print(Console.Out);

    /// <summary>Writes the verdict and a table of every compared tensor, the first divergence marked <c>&gt;&gt;</c>.</summary>
    /// <param name="writer">Where to write.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    public void Print(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(ToTable());
        writer.WriteLine(ToString());
    }

    private string ToTable()
    {
        var rows = new List<string[]> { new[] { "", "#", "name", "shape", "dtype", "max abs", "max rel", "status" } };
        foreach (var e in Entries)
        {
            rows.Add([
                ReferenceEquals(e, FirstDivergence) ? ">>" : "",
                e.Index.ToString(CultureInfo.InvariantCulture),
                e.Name,
                e.Status == PortCheckStatus.ShapeMismatch ? $"{Shape(e.ExpectedShape)} vs {Shape(e.ActualShape)}" : Shape(e.ExpectedShape),
                e.ExpectedType == e.ActualType ? DType(e) : $"{DType(e)} vs {PythonLiteral.DType(e.ActualType).Replace("torch.", "", StringComparison.Ordinal)}",
                e.Status == PortCheckStatus.ShapeMismatch ? "--" : Number(e.MaxAbsError),
                e.Status == PortCheckStatus.ShapeMismatch ? "--" : Number(e.MaxRelError),
                Status(e.Status),
            ]);
        }
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
            for (int i = 0; i < row.Length; i++) widths[i] = Math.Max(widths[i], row[i].Length);
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (int i = 0; i < row.Length; i++)
            {
                if (i > 0) line.Append("  ");
                line.Append(i == 1 ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]));
            }
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        return text.ToString();
    }

    private static string Describe(PortCheckEntry e) => e.Status switch
    {
        PortCheckStatus.ShapeMismatch => $"shape {Shape(e.ActualShape)} instead of {Shape(e.ExpectedShape)}",
        PortCheckStatus.DTypeMismatch => $"dtype {PythonLiteral.DType(e.ActualType)} instead of {PythonLiteral.DType(e.ExpectedType)}",
        _ => $"max abs error {Number(e.MaxAbsError)}, max rel error {Number(e.MaxRelError)}",
    };

    private static string Status(PortCheckStatus status) => status switch
    {
        PortCheckStatus.Match => "ok",
        PortCheckStatus.ExceedsTolerance => "DIVERGES",
        PortCheckStatus.ShapeMismatch => "SHAPE",
        _ => "DTYPE",
    };

    private static string DType(PortCheckEntry e) => PythonLiteral.DType(e.ExpectedType).Replace("torch.", "", StringComparison.Ordinal);

    private static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string Number(double value)
        => double.IsNaN(value) ? "nan"
         : double.IsPositiveInfinity(value) ? "inf"
         : value == 0 ? "0"
         : value.ToString("0.00e+00", CultureInfo.InvariantCulture);
}
