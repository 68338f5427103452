namespace TorchModel.Internal;

/// <summary>
/// The member walks' memo of yielded tensors, by <see cref="TensorIdentity"/> address: the same open addressing as
/// <see cref="ReferenceSet"/>, with the same clearing cost.
/// </summary>
internal sealed class AddressSet
{
    private nint[] slots = new nint[16];
    private int[] used = new int[8];
    private int count;
    private int shift = 64 - 4;
    private bool hasZero;

    /// <summary>How many addresses the set holds.</summary>
    public int Count => count + (hasZero ? 1 : 0);

    /// <summary>Adds <paramref name="address"/>; false when it was already there.</summary>
    public bool Add(nint address)
    {
        if (address == 0)
        {
            // Zero marks an empty slot; it is never a live tensor's address, but it is kept apart all the same.
            if (hasZero) return false;
            hasZero = true;
            return true;
        }
        if (count >= slots.Length >> 1) Grow();
        int mask = slots.Length - 1;
        int i = (int)(((ulong)address * 0x9E3779B97F4A7C15UL) >> shift);
        while (true)
        {
            nint slot = slots[i];
            if (slot == 0)
            {
                slots[i] = address;
                used[count++] = i;
                return true;
            }
            if (slot == address) return false;
            i = (i + 1) & mask;
        }
    }

    /// <summary>Empties the set, keeping the table.</summary>
    public void Clear()
    {
        for (int k = 0; k < count; k++) slots[used[k]] = 0;
        count = 0;
        hasZero = false;
    }

    private void Grow()
    {
        var old = slots;
        int oldCount = count;
        var oldUsed = used;
        slots = new nint[old.Length * 2];
        used = new int[slots.Length >> 1];
        shift--;
        count = 0;
        for (int k = 0; k < oldCount; k++) Add(old[oldUsed[k]]);
    }
}
