using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/TorchModel.Benchmarks -- --filter '*'
// Each benchmark class puts TorchModel's method next to TorchSharp's own (the baseline) in one run.
// SafeTensorsBenchmarks' peak native memory: ... -- --peak-memory
if (args.Length > 0 && args[0] == "--peak-memory") { SafeTensorsBenchmarks.MeasurePeakMemory(); return; }
if (args.Length > 1 && args[0] == "--write-peak-file") { SafeTensorsBenchmarks.WritePeakFile(args[1]); return; }
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
