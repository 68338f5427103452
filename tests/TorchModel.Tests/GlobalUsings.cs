global using Module = TorchSharp.torch.nn.Module;
global using Parameter = TorchSharp.Modules.Parameter;
global using Tensor = TorchSharp.torch.Tensor;
global using TorchSharp;
global using static TorchSharp.torch;
