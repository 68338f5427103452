using static TorchSharp.torch;

namespace TorchModel.Internal.Checkpoints;

/// <summary>One tensor's entry in a safetensors header, validated.</summary>
internal sealed record SafeTensorsEntry(string Name, string DType, ScalarType Type, int ElementSize, long[] Shape, long Begin, long End);
