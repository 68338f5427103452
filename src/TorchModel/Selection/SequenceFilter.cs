namespace TorchModel;

internal static class SequenceFilter
{
    /// <summary>A lazy filter that stays lazy for every source (LINQ's Where returns an eager empty collection for an empty array).</summary>
    public static IEnumerable<T> Filter<T>(IEnumerable<T> source, Func<T, bool> predicate)
    {
        foreach (var item in source)
            if (predicate(item)) yield return item;
    }
}
