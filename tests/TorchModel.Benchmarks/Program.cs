using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/TorchModel.Benchmarks -- --filter '*Traversal*' --job short
// Each benchmark class puts TorchModel's method next to TorchSharp's own (the baseline) in one run.
// SafeTensorsBenchmarks' peak native memory: ... -- --peak-memory
if (args.Length > 0 && args[0] == "--peak-memory") { SafeTensorsBenchmarks.MeasurePeakMemory(); return; }

// Benchmarks run in this process: BenchmarkDotNet's generated per-job project skips Directory.Build.targets, so its
// copy of libLibTorchSharp.so would miss the repository's native-loading fix and fail to load on Debian 12.
string[] arguments = args.Contains("--inProcess", StringComparer.OrdinalIgnoreCase) ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments);
