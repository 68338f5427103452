using TorchSharp;
using static TorchSharp.torch;

namespace TorchModel.Internal;

/// <summary>The wording of state dict errors; PyTorch's texts where PyTorch has a message for the same mistake.</summary>
internal static partial class Throw
{
    public static KeyNotFoundException NoSuchStateDictKey(string key)
        => new($"The state dict has no key \"{key}\".");

    public static ArgumentException DuplicateStateDictKey(string key, string paramName)
        => new($"The key \"{key}\" occurs more than once; the keys of a state dict must be unique.", paramName);

    public static ArgumentException NullRenamedKey(string key, string paramName)
        => new($"Renaming the key \"{key}\" returned null; return the key itself to keep it.", paramName);

    public static ArgumentException RenamedKeyCollision(string first, string second, string mapped, string paramName)
        => new($"Renaming maps both \"{first}\" and \"{second}\" to \"{mapped}\"; the keys of a state dict must be unique.", paramName);

    /// <summary>PyTorch's per-key error for a value that is not a tensor (here: null).</summary>
    public static string NotATensorMessage(string key)
        => $"While copying the parameter named \"{key}\", expected torch.Tensor or Tensor-like object from checkpoint but received <class 'NoneType'>";

    public static string DisposedTensorMessage(string key, bool checkpoint)
        => checkpoint
            ? $"While copying the parameter named \"{key}\", the tensor from checkpoint has been disposed."
            : $"While copying the parameter named \"{key}\", the tensor in the current model has been disposed.";

    /// <summary>PyTorch's per-key error for a shape mismatch.</summary>
    public static string SizeMismatchMessage(string key, Size checkpoint, Size model)
        => $"size mismatch for {key}: copying a param with shape {checkpoint} from checkpoint, the shape in current model is {model}.";

    /// <summary>PyTorch's <c>load_state_dict</c> RuntimeError: missing keys, then unexpected keys (only when strict), then
    /// the per-key errors, each list line ending with ". ".</summary>
    public static StateDictLoadException StateDictLoad(string className, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> errors, bool strict)
    {
        var lines = new List<string>(errors.Count + 2);
        if (strict && missing.Count > 0) lines.Add($"Missing key(s) in state_dict: {QuotedList(missing)}. ");
        if (strict && unexpected.Count > 0) lines.Add($"Unexpected key(s) in state_dict: {QuotedList(unexpected)}. ");
        lines.AddRange(errors);
        string message = $"Error(s) in loading state_dict for {className}:\n\t" + string.Join("\n\t", lines);
        return new StateDictLoadException(message, missing, unexpected, errors);
    }

    private static string QuotedList(IReadOnlyList<string> keys) => string.Join(", ", keys.Select(k => $"\"{k}\""));

    /// <summary>libtorch's <c>copy_</c> error for a source on a device that holds no data.</summary>
    public const string CopyFromMeta = "Cannot copy out of meta tensor; no data!";

    /// <summary>libtorch's <c>copy_</c> error for a quantized source and a non-quantized target.</summary>
    public const string CopyFromQuantized = "Copying from quantized Tensor to non-quantized Tensor is not allowed, please use dequantize to get a float Tensor from a quantized Tensor";

    /// <summary>libtorch's <c>copy_</c> error for a non-float32 source and a quantized target.</summary>
    public const string QuantizedCopyNeedsFloat = "Quantized copy only works with kFloat as source Tensor";

    /// <summary>libtorch's <c>copy_</c> error for a non-contiguous source or target of a quantized copy.</summary>
    public const string QuantizedCopyNeedsContiguous = "Quantized copy only works with contiguous and NHWC Tensors";

    /// <summary>libtorch's <c>copy_</c> error for two quantized tensors of different dtypes.</summary>
    public const string QuantizedCopyDTypes = "Expected self.scalar_type() == src.scalar_type() to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)";

    /// <summary>libtorch's error for a target with elements that share memory (e.g. an <c>expand</c>ed buffer).</summary>
    public const string CopyIntoInternalOverlap = "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.";

    /// <summary>libtorch's error for a source that partly overlaps its target (e.g. a transposed view of it).</summary>
    public const string CopyPartialOverlap = "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.";

    /// <summary>libtorch's error for an in-place write into a tensor created under inference mode, outside it.</summary>
    public const string CopyIntoInferenceTensor = "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.";

    /// <summary>libtorch's <c>copy_</c> error between a sparse and a dense tensor.</summary>
    public static string CopyDenseSparse(Tensor target, Tensor source)
        => $"copy_() between dense and sparse Tensors is not implemented! Found self type = {LibTorchTypeName(target)} and src type = {LibTorchTypeName(source)}";

    /// <summary>PyTorch 2.x's per-key error when <c>copy_</c> raises: the key, both sizes and the exception's
    /// <c>args</c> tuple.</summary>
    public static string CopyFailedMessage(string key, Size model, Size checkpoint, string reason)
        => $"While copying the parameter named \"{key}\", whose dimensions in the model are {model} and whose dimensions in the checkpoint are {checkpoint}, an exception occurred : ({PythonLiteral.Repr(reason)},).";

    /// <summary>A source sharing memory with another tensor the same load writes: PyTorch would copy it in visit order,
    /// so the value loaded would depend on that order; here it is refused before anything is written.</summary>
    public static string SharesMemoryMessage(string key, string otherKey)
        => $"While copying the parameter named \"{key}\", the tensor from checkpoint shares memory with \"{otherKey}\" of the current model, which this load also writes; pass a clone() of it.";

    /// <summary>libtorch's <c>Tensor::toString()</c>: dispatch key, then the scalar type's C++ name, then <c>Type</c>
    /// (<c>CPUFloatType</c>, <c>SparseCPUFloatType</c>).</summary>
    private static string LibTorchTypeName(Tensor tensor)
    {
        string device = tensor.device_type switch
        {
            DeviceType.CPU => "CPU",
            DeviceType.CUDA => "CUDA",
            DeviceType.META => "Meta",
            DeviceType.MPS => "MPS",
            var other => other.ToString(),
        };
        string scalar = tensor.dtype switch
        {
            ScalarType.Byte => "Byte",
            ScalarType.Int8 => "Char",
            ScalarType.Int16 => "Short",
            ScalarType.Int32 => "Int",
            ScalarType.Int64 => "Long",
            ScalarType.Float16 => "Half",
            ScalarType.Float32 => "Float",
            ScalarType.Float64 => "Double",
            ScalarType.ComplexFloat32 => "ComplexFloat",
            ScalarType.ComplexFloat64 => "ComplexDouble",
            var other => other.ToString(),
        };
        return (tensor.is_sparse ? "Sparse" : "") + device + scalar + "Type";
    }
}
