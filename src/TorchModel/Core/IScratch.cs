namespace TorchModel.Internal;

/// <summary>Reusable working storage of a walk.</summary>
internal interface IScratch
{
    /// <summary>How many entries the storage held before it was cleared.</summary>
    int Size { get; }

    /// <summary>Drops every reference the storage holds, keeping its capacity.</summary>
    void Clear();
}
