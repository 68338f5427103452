using System.Runtime.CompilerServices;

namespace TorchModel.Internal;

/// <summary>
/// The walker's memo of visited modules: a set by reference identity with open addressing (linear probing over a
/// power-of-two table, Fibonacci hashing of the runtime identity hash). <see cref="Clear"/> costs the number of
/// entries, not the table size, so a table grown by one large walk does not slow the many small walks after it.
/// </summary>
internal sealed class ReferenceSet
{
    private object?[] slots = new object?[16];
    private int[] used = new int[8];
    private int count;
    private int shift = 64 - 4;

    /// <summary>How many references the set holds.</summary>
    public int Count => count;

    /// <summary>Adds <paramref name="item"/>; false when it was already there.</summary>
    public bool Add(object item)
    {
        if (count >= slots.Length >> 1) Grow();
        int mask = slots.Length - 1;
        int i = Slot(RuntimeHelpers.GetHashCode(item), shift);
        while (true)
        {
            var slot = slots[i];
            if (slot is null)
            {
                slots[i] = item;
                used[count++] = i;
                return true;
            }
            if (ReferenceEquals(slot, item)) return false;
            i = (i + 1) & mask;
        }
    }

    /// <summary>Removes every reference (so the set keeps nothing alive), keeping the table.</summary>
    public void Clear()
    {
        for (int k = 0; k < count; k++) slots[used[k]] = null;
        count = 0;
    }

    private void Grow()
    {
        var old = slots;
        int oldCount = count;
        var oldUsed = used;
        slots = new object?[old.Length * 2];
        used = new int[slots.Length >> 1];
        shift--;
        count = 0;
        for (int k = 0; k < oldCount; k++) Add(old[oldUsed[k]]!);
    }

    private static int Slot(int hash, int shift) => (int)(((ulong)(uint)hash * 0x9E3779B97F4A7C15UL) >> shift);
}
