namespace TorchModel.Internal.Checkpoints;

/// <summary>A Python global the unpickler allows (see <see cref="RestrictedUnpickler"/>).</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public override string ToString() => Module + "." + Name;
}
