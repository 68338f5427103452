#!/usr/bin/env bash
# The CUDA checks (tests/TorchModel.CudaChecks, issue #15) on this CPU-only machine, from the solution's Debug build:
#   1. the ABI check build/gpu/run-on-device.sh does first, here against the CPU libtorch of the NuGet package
#      (every libtorch symbol TorchSharp's libLibTorchSharp.so needs must resolve in libtorch 2.10);
#   2. the checks with --expect-no-cuda: every CPU fallback must PASS, and every CUDA case must show as a SKIP line.
# The full rehearsal of the GPU run (pack.sh, then run-on-device.sh --cpu) is slower and runs by hand (README
# "Verifying on a GPU").
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
app=tests/TorchModel.CudaChecks/bin/Debug/net10.0
[ -f "$app/TorchModel.CudaChecks.dll" ] || { echo "cuda-checks-cpu: build the solution first ($app)"; exit 1; }

version="$(sed -n 's/.*Include="libtorch-cpu-linux-x64" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)"
global_packages="$(dotnet nuget locals global-packages -l | sed -n 's/^global-packages: *//p')"
libtorch="$global_packages/libtorch-cpu-linux-x64/$version/runtimes/linux-x64/native"
bash build/gpu/check-symbols.sh "$app/runtimes/linux-x64/native/libLibTorchSharp.so" "$libtorch"

output="$(dotnet "$app/TorchModel.CudaChecks.dll" --expect-no-cuda)" || { printf '%s\n' "$output"; echo "cuda-checks-cpu: failed"; exit 1; }
printf '%s\n' "$output"
grep -q '^PASS  cpu ' <<<"$output" || { echo "cuda-checks-cpu: no CPU check passed"; exit 1; }
grep -q '^SKIP  cuda ' <<<"$output" || { echo "cuda-checks-cpu: no visible SKIP for the CUDA cases"; exit 1; }
if grep -q '^FAIL' <<<"$output"; then echo "cuda-checks-cpu: failed"; exit 1; fi
echo "cuda-checks-cpu: passed"
