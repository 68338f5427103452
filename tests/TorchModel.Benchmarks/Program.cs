using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/TorchModel.Benchmarks -- --filter '*'
// Each benchmark class puts TorchModel's method next to TorchSharp's own (the baseline) in one run.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
