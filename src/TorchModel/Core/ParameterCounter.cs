namespace TorchModel.Internal;

/// <summary>The one parameter-counting routine: PyTorch's <c>sum(p.numel() for p in module.parameters())</c>, each
/// libtorch tensor once (tied weights once), with the trainable part and the bytes alongside.</summary>
internal static class ParameterCounter
{
    /// <summary>Counts the elements of the parameters of <paramref name="module"/> and its descendants.</summary>
    public static (long Total, long Trainable, long Bytes) Count(Module module)
    {
        long total = 0, trainable = 0, bytes = 0;
        foreach (var (_, parameter) in ModuleWalker.Parameters(module, "", recurse: true, removeDuplicate: true))
        {
            long n = parameter.numel();
            total += n;
            if (parameter.requires_grad) trainable += n;
            bytes += n * parameter.element_size();
        }
        return (total, trainable, bytes);
    }
}
