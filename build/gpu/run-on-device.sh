#!/usr/bin/env bash
# Runs TorchModel's CUDA checks on a machine with a GPU, PyTorch and no .NET (issue #15; README "Verifying on a GPU"),
# from what build/gpu/pack.sh packed, as one script that writes one log:
#   1. the machine: GPU and driver (nvidia-smi), the Python PyTorch and its CUDA;
#   2. unpacks the .NET runtime and the apps into a temporary folder;
#   3. LD_LIBRARY_PATH = PyTorch's torch/lib + its nvidia-* package libs, so TorchSharp loads that libtorch (TorchSharp
#      loads torch_cuda and LibTorchSharp by name: the app folder first, which holds no libtorch, then the system
#      search, which reads LD_LIBRARY_PATH);
#   4. the cheap ABI check first: every libtorch symbol libLibTorchSharp.so (built for libtorch 2.10) needs must be
#      defined by that libtorch (build/gpu/check-symbols.sh); the checks run either way, so one run shows everything;
#   5. PyTorch's own repr of the CUDA parameters (repr_golden.py), then the checks with --require-cuda, then the
#      FineTune sample, each timed.
# Usage: build/gpu/run-on-device.sh [BUNDLE_DIR]                         on the GPU machine (default artifacts/gpu)
#        build/gpu/run-on-device.sh [BUNDLE_DIR] --torch-lib DIR --cpu   CPU rehearsal: libtorch from DIR, and the
#                                                                        checks must find no CUDA (CPU fallbacks)
# The log goes to $OUT/cuda-checks.log when OUT is set (the device runner's folder that comes back), else to
# BUNDLE_DIR/cuda-checks.log. Exit code: 0 when the symbols resolve and every check and the sample pass.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bundle="$repo/artifacts/gpu"
torch_lib=""
mode=gpu
while [ $# -gt 0 ]; do
  case "$1" in
    --torch-lib) torch_lib="$2"; shift 2 ;;
    --cpu) mode=cpu; shift ;;
    -*) echo "usage: run-on-device.sh [BUNDLE_DIR] [--torch-lib DIR] [--cpu]" >&2; exit 2 ;;
    *) bundle="$1"; shift ;;
  esac
done
bundle="$(cd "$bundle" && pwd)"
python="${PYTHON:-python3}"
log="${OUT:-$bundle}/cuda-checks.log"
mkdir -p "$(dirname "$log")"
exec > >(tee "$log") 2>&1
status=0
section() { echo; echo "== $* ($(date -u +%H:%M:%S))"; }
timed() { local start=$SECONDS; "$@"; local rc=$?; echo "(exit $rc, $((SECONDS - start)) s)"; return $rc; }

section "machine ($mode)"
uname -srm
cat "$bundle/MANIFEST.txt"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
py_torch="$("$python" -c 'import torch, os; print(torch.__version__, torch.version.cuda, torch.cuda.is_available(), os.path.dirname(torch.__file__))' 2>/dev/null)"
echo "python torch (version, cuda, is_available, folder): ${py_torch:-none}"
if [ -z "$torch_lib" ]; then
  [ -n "$py_torch" ] || { echo "no --torch-lib and no PyTorch in $python"; exit 1; }
  torch_lib="${py_torch##* }/lib"
fi
torch_lib="$(cd "$torch_lib" && pwd)"
echo "torch lib: $torch_lib"
ls "$torch_lib" | grep -E '^lib(torch|c10)' | paste -sd' '

# The CUDA runtime libraries of the nvidia-* wheels beside torch (site-packages/nvidia/*/lib), if any.
nvidia_libs="$(find "$(dirname "$(dirname "$torch_lib")")/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | sort | paste -sd:)"
echo "nvidia libs: ${nvidia_libs:-none}"

section "unpack"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
timed tar -C "$work" -xJf "$bundle/cuda-checks-app.tar.xz" || exit 1
mkdir -p "$work/dotnet" "$work/files"
timed tar -C "$work/dotnet" -xJf "$bundle/dotnet-runtime.tar.xz" || exit 1
# Invariant globalization: the GPU machine may have no libicu, without which the .NET runtime does not start.
export DOTNET_ROOT="$work/dotnet" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
export LD_LIBRARY_PATH="$torch_lib${nvidia_libs:+:$nvidia_libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
"$work/dotnet/dotnet" --list-runtimes

section "symbol check: libLibTorchSharp.so against $torch_lib"
if ! timed bash "$here/check-symbols.sh" "$work/app/libLibTorchSharp.so" "$torch_lib"; then
  status=1
  # Fallback: build libLibTorchSharp.so from TorchSharp's own sources against this torch, if they were packed.
  if [ -f "$bundle/libtorchsharp-native.tar.xz" ] && command -v cmake >/dev/null && [ -n "$py_torch" ]; then
    section "fallback: build libLibTorchSharp.so from TorchSharp's sources against $torch_lib"
    mkdir -p "$work/native"
    tar -C "$work/native" -xJf "$bundle/libtorchsharp-native.tar.xz"
    abi="$("$python" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')"
    generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
    if timed cmake -S "$here/libtorchsharp" -B "$work/native/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
         -DTORCH_DIR="$(dirname "$torch_lib")" -DTS_NATIVE="$work/native/Native" -DCXX11_ABI="$abi" \
       && timed timeout 420 cmake --build "$work/native/build" -j "$(nproc)"; then
      cp "$work/app/libLibTorchSharp.so" "$work/files/libLibTorchSharp.prebuilt.so"
      cp "$work/native/build/libLibTorchSharp.so" "$work/app/libLibTorchSharp.so"
      mkdir -p "${OUT:-$bundle}" && cp "$work/native/build/libLibTorchSharp.so" "${OUT:-$bundle}/libLibTorchSharp.built.so"
      timed bash "$here/check-symbols.sh" "$work/app/libLibTorchSharp.so" "$torch_lib" && echo "fallback: the checks below use the library built here"
    fi
  fi
fi
ldd "$work/app/libLibTorchSharp.so" | grep -E 'torch|c10|not found' || true

golden_args=()
if [ "$mode" = gpu ]; then
  section "PyTorch's repr of CUDA parameters"
  if timed "$python" "$here/repr_golden.py" "$work/app/fixtures/repr.json" "$work/files/cuda-repr.json" cuda; then
    golden_args=(--cuda-repr-golden "$work/files/cuda-repr.json")
  else
    status=1
  fi
fi

section "checks"
if [ "$mode" = gpu ]; then check_args=(--require-cuda); else check_args=(--expect-no-cuda); fi
timed "$work/dotnet/dotnet" "$work/app/TorchModel.CudaChecks.dll" "${check_args[@]}" "${golden_args[@]}" --work "$work/files" \
  | tee "$work/checks.txt" || status=1
grep -q '^cuda-checks: loaded .*/libtorch_cpu.so' "$work/checks.txt" || { echo "the checks did not report a loaded libtorch_cpu.so"; status=1; }
if grep '^cuda-checks: loaded .*/libtorch_cpu.so' "$work/checks.txt" | grep -v -q -F "$torch_lib/"; then
  echo "libtorch_cpu.so was not loaded from $torch_lib"; status=1
fi
grep -q ' 0 failed' "$work/checks.txt" || status=1

section "samples/FineTune"
timed "$work/dotnet/dotnet" "$work/app/FineTune.dll" --epochs 3 --out "$work/files/finetune.safetensors" | tee "$work/finetune.txt" || status=1
expected_device=cuda; [ "$mode" = cpu ] && expected_device=cpu
grep -q "^device: $expected_device" "$work/finetune.txt" || { echo "FineTune did not report device: $expected_device"; status=1; }

section "result"
echo "$([ $status -eq 0 ] && echo PASSED || echo FAILED) ($mode; log: $log)"
exit $status
