#!/usr/bin/env bash
# Packs what a GPU machine without .NET needs to run TorchModel's CUDA checks (issue #15; README "Verifying on a GPU"),
# into artifacts/gpu/ (ignored; at most 64 MiB, the limit of what a run may carry):
#   cuda-checks-app.tar.xz  tests/TorchModel.CudaChecks and samples/FineTune, framework-dependent, published for
#                           linux-x64 WITHOUT a libtorch backend: TorchModel.dll, TorchSharp.dll, the fixtures, and
#                           TorchSharp's libLibTorchSharp.so (the copy in the publish folder, which the package's fix
#                           has made loadable on Debian 12 / Ubuntu 22.04 too). libtorch comes from the GPU machine.
#   dotnet-runtime.tar.xz   this machine's .NET runtime: the dotnet host, host/fxr, shared/Microsoft.NETCore.App/<v>.
#   MANIFEST.txt            commit, versions, sizes and sha256 of the archives.
#   libtorchsharp-native.tar.xz  with --native-sources DIR only: TorchSharp's src/Native (LibTorchSharp sources,
#                           Stdafx.h, UnixSal.h) from DIR, a clone (work tree or bare, then its HEAD) of the
#                           TorchSharp release the app uses (0.107.0), for run-on-device.sh's fallback build when
#                           symbols are missing.
# Usage: build/gpu/pack.sh [OUT_DIR] [--native-sources TORCHSHARP_DIR]
#        then build/gpu/run-on-device.sh [OUT_DIR] on the GPU machine.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="$repo/artifacts/gpu"
native=""
while [ $# -gt 0 ]; do
  case "$1" in
    --native-sources) native="$(cd "$2" && pwd)"; shift 2 ;;
    -*) echo "usage: pack.sh [OUT_DIR] [--native-sources TORCHSHARP_DIR]" >&2; exit 2 ;;
    *) out="$1"; shift ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
limit=$((64 * 1024 * 1024))

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
rm -rf "$out"
mkdir -p "$out"

# 1. The apps, without libtorch (UseLibTorchCpu=false overrides the repository's CPU backend).
for project in tests/TorchModel.CudaChecks samples/FineTune; do
  dotnet publish "$repo/$project" -c Release -r linux-x64 --self-contained false -p:UseAppHost=false \
    -p:UseLibTorchCpu=false --disable-build-servers -warnaserror -nologo -v:q -o "$stage/app" >&2
done
[ -f "$stage/app/libLibTorchSharp.so" ] || { echo "pack: no libLibTorchSharp.so in the published app" >&2; exit 1; }
if ls "$stage/app" | grep -E '^lib(torch|c10)' >/dev/null; then
  echo "pack: the published app carries libtorch libraries; it must use the GPU machine's" >&2; exit 1
fi
tar -C "$stage" -cf - app | xz -T0 -6 > "$out/cuda-checks-app.tar.xz"

# 2. The .NET runtime the apps run on (the newest Microsoft.NETCore.App of their major version on this machine).
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
major="$(sed -n 's/.*"version": *"\([0-9]*\)\..*/\1/p' "$stage/app/TorchModel.CudaChecks.runtimeconfig.json" | head -n 1)"
runtime="$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | grep "^$major\." | sort -V | tail -n 1)"
[ -n "$runtime" ] || { echo "pack: no Microsoft.NETCore.App $major.x under $dotnet_root" >&2; exit 1; }
extra=()
for f in LICENSE.txt ThirdPartyNotices.txt; do [ -e "$dotnet_root/$f" ] && extra+=("$f"); done
tar -C "$dotnet_root" -cf - dotnet host "shared/Microsoft.NETCore.App/$runtime" "${extra[@]}" | xz -T0 -6 > "$out/dotnet-runtime.tar.xz"

# 3. Optionally TorchSharp's native sources, for the fallback build on the device.
if [ -n "$native" ]; then
  if [ ! -d "$native/src/Native" ]; then  # a bare clone (no work tree): take the files of its HEAD
    git -C "$native" archive HEAD src/Native | tar -C "$stage" -xf -
    native_src="$stage/src"
  else
    native_src="$native/src"
  fi
  [ -f "$native_src/Native/LibTorchSharp/THSTorch.cpp" ] || { echo "pack: $native has no src/Native/LibTorchSharp" >&2; exit 1; }
  tar -C "$native_src" -cf - Native/Stdafx.h Native/UnixSal.h Native/LibTorchSharp | xz -T0 -6 > "$out/libtorchsharp-native.tar.xz"
fi

# 4. Manifest and the size limit.
{
  echo "commit: $(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "packed: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -srm)"
  echo "dotnet runtime: Microsoft.NETCore.App $runtime"
  [ -n "$native" ] && echo "native sources: $native at $(git -C "$native" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "TorchSharp: $(sed -n 's/.*"TorchSharp\/\([^"]*\)".*/\1/p' "$stage/app/TorchModel.CudaChecks.deps.json" | head -n 1) (libLibTorchSharp.so built against libtorch 2.10.0)"
  (cd "$out" && for f in *.tar.xz; do echo "$f: $(stat -c %s "$f") bytes, sha256 $(sha256sum "$f" | cut -d' ' -f1)"; done)
} > "$out/MANIFEST.txt"
total=$(du -cb "$out"/* | tail -n 1 | cut -f1)
echo "total: $total bytes (limit $limit)" >> "$out/MANIFEST.txt"
cat "$out/MANIFEST.txt" >&2
[ "$total" -le "$limit" ] || { echo "pack: $out is over 64 MiB" >&2; exit 1; }
echo "$out"
