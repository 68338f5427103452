using TorchModel.Tests.Models;

namespace TorchModel.Tests.Summary;

/// <summary>Summaries of 10,000-deep chains (issue #18): one row per module, every train/eval flag restored, no
/// per-module recursive train()/eval() (which revisits each subtree once per ancestor and aborted the process).</summary>
public class DeepSummaryTests
{
    private const int Depth = 10_000;

    [Fact]
    public void TenThousandDeepChain_ParametersOnly_HasOneRowPerModule()
    {
        var model = GoldenModels.Deep(Depth); // not disposed: TorchSharp's Dispose of a deep chain is super-linear
        var summary = model.Summary();
        summary.Rows.Count.ShouldBe(Depth + 1);
        summary.Rows[^1].Depth.ShouldBe(Depth);
        summary.Rows[^1].ClassName.ShouldBe("Linear");
        summary.Rows[0].Parameters.ShouldBe(6);
        summary.Rows[Depth / 2].Parameters.ShouldBe(6);
        summary.TotalParameters.ShouldBe(6);
    }

    [Fact]
    public void TenThousandDeepChain_ForwardPass_RestoresEveryFlag()
    {
        var model = GoldenModels.Deep(Depth); // not disposed: TorchSharp's Dispose of a deep chain is super-linear
        // TorchSharp's Sequential.train()/eval() visit a subtree twice per level: only the innermost chain link is
        // switched here; every module starts in training mode.
        var inner = model.GetSubmodule(string.Join('.', Enumerable.Repeat("0", Depth - 1)));
        inner.eval();
        var summary = RunOnLargeStack(() => model.Summary([3, 2]));
        summary.Rows.Count.ShouldBe(Depth + 1);
        summary.Rows[^1].OutputShape.ShouldBe([3, 2]);
        summary.Rows[^1].MultAdds.ShouldBe(6 * 3);
        summary.TotalMultAdds.ShouldBe(18);
        model.training.ShouldBeTrue();
        model.GetSubmodule(string.Join('.', Enumerable.Repeat("0", Depth / 2))).training.ShouldBeTrue();
        inner.training.ShouldBeFalse();
        model.GetSubmodule(string.Join('.', Enumerable.Repeat("0", Depth))).training.ShouldBeFalse();
    }

    /// <summary>TorchSharp's Sequential forward recurses once per level (several frames each), more than a test
    /// thread's default stack holds at 10,000 levels; the summary itself needs no stack.</summary>
    private static T RunOnLargeStack<T>(Func<T> action)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = action(); }
            catch (Exception e) { error = e; }
        }, 256 * 1024 * 1024);
        thread.Start();
        thread.Join();
        if (error is not null) throw error;
        return result;
    }
}
