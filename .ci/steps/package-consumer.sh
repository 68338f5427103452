#!/usr/bin/env bash
# Consumption test: runs the README's "Install from source" commands exactly as written (read from the README
# between its `<!-- install-from-source:NAME -->` markers, so the README cannot drift from what is tested), in a
# consumer project outside the repository (so none of our Directory.Build.* applies), then:
#   1. builds and runs the consumer and compares its output with PyTorch's named_parameters of SimpleModel2 from the
#      committed golden file (restore, the package's buildTransitive native-loading fix, native loading);
#   2. plants a stale `TorchModel 0.1.0` (the first pack's files) in the NuGet cache, packs again and re-runs the
#      README's "add" block: the consumer must now run the second pack's TorchModel.dll, byte for byte;
#   3. where the host's libstdc++ lacks GLIBCXX_3.4.32, proves that the package's fix is what made step 1 work.
#
# NuGet's global packages folder is a temporary one (NUGET_PACKAGES), with the machine's cache as a read-only
# fallback (NUGET_FALLBACK_PACKAGES): the packed TorchModels never enter the machine's cache, and TorchSharp and
# libtorch are not downloaded again. The packages this step put into artifacts/feed are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d)"
packed=()
cleanup() {
  for v in "${packed[@]}"; do rm -f "$repo/artifacts/feed/TorchModel.$v.nupkg" "$repo/artifacts/feed/TorchModel.$v.snupkg"; done
  rm -rf "$work"
}
trap cleanup EXIT
consumer="$work/consumer"
mkdir -p "$consumer"

fail() { echo "package-consumer: $*"; exit 1; }

# The fenced bash block that follows `<!-- install-from-source:$1 -->` in the README.
readme_block() {
  awk -v marker="<!-- install-from-source:$1 -->" '
    $0 == marker { found = 1; next }
    found == 1 && /^```bash$/ { found = 2; next }
    found == 2 && /^```$/ { exit }
    found == 2 { print }
  ' "$repo/README.md"
}
for block in pack configure add; do
  [ -n "$(readme_block "$block")" ] || fail "README.md has no bash block after <!-- install-from-source:$block -->"
done
# Runs a README block in this shell (it sets $version and $feed for the next ones), echoing each command.
run_block() {
  local text
  text="$(readme_block "$1")"
  printf '%s\n' "$text" | sed 's/^/  $ /'
  eval "$text"
}

global_packages="$(dotnet nuget locals global-packages -l | sed -n 's/^global-packages: *//p')"
export NUGET_PACKAGES="$work/packages" NUGET_FALLBACK_PACKAGES="$global_packages"

# A plain console project, as `dotnet new console` makes it, with our SimpleModel2 program.
cp tests/PackageConsumer/PackageConsumer.csproj.template "$consumer/PackageConsumer.csproj"
cp tests/PackageConsumer/Program.cs "$consumer/Program.cs"

expected="$(python3 - "$repo/tests/TorchModel.Tests/Golden/traversal.json" <<'PY'
import json, sys
golden = json.load(open(sys.argv[1]))
for p in golden["SimpleModel2"]["named_parameters"]:
    print(f"{p['name']} torch.Size([{', '.join(str(d) for d in p['shape'])}])")
PY
)"

# Builds and runs the consumer; checks its output against PyTorch's and that it restored TorchModel $1.
build_and_run() {
  (cd "$consumer" && dotnet build -c Release --disable-build-servers -warnaserror -nologo -v:q -o "$consumer/out" "${@:2}")
  grep -q "\"TorchModel/$1\"" "$consumer/obj/project.assets.json" || fail "the consumer did not restore TorchModel $1"
  local actual
  actual="$(dotnet "$consumer/out/PackageConsumer.dll")"
  if [ "$actual" != "$expected" ]; then
    echo "package-consumer: output differs from PyTorch's"
    diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") || true
    exit 1
  fi
}
dll_sha() { unzip -p "$repo/artifacts/feed/TorchModel.$1.nupkg" lib/net10.0/TorchModel.dll | sha256sum | cut -d' ' -f1; }

# 1. The README's commands: pack (in the clone), configure and add (in the consumer's folder).
echo "package-consumer: README blocks pack, configure, add"
version="" feed=""
run_block pack
packed+=("$version")
first="$version"
[ -e "$repo/artifacts/feed/TorchModel.$first.snupkg" ] || fail "no symbols package next to TorchModel.$first.nupkg"
cd "$consumer"
run_block configure
run_block add
cd "$repo"
build_and_run "$first"
echo "package-consumer: the consumer runs TorchModel $first:"
printf '%s\n' "$expected" | sed 's/^/  /'

# 2. A stale TorchModel 0.1.0 in the NuGet cache (the first pack's files under that version), then a second pack.
stale="$NUGET_PACKAGES/torchmodel/0.1.0"
mkdir -p "$stale"
cp -r "$NUGET_PACKAGES/torchmodel/$first/." "$stale/"
for f in "$stale"/*"$first"*; do mv "$f" "${f/$first/0.1.0}"; done
echo "package-consumer: planted a stale TorchModel 0.1.0 in the NuGet cache; README blocks pack, add"
run_block pack
packed+=("$version")
second="$version"
[ "$second" != "$first" ] || fail "two packs got the same version $first"
cd "$consumer"
run_block add
cd "$repo"
build_and_run "$second"
consumed="$(sha256sum "$consumer/out/TorchModel.dll" | cut -d' ' -f1)"
[ "$consumed" = "$(dll_sha "$second")" ] || fail "the consumer's TorchModel.dll is not the one packed as $second"
[ "$consumed" != "$(dll_sha "$first")" ] || fail "the two packs hold the same TorchModel.dll"
echo "package-consumer: after the second pack the consumer runs TorchModel $second (its TorchModel.dll, not $first's or the stale 0.1.0)"

# 3. Where the host's libstdc++ lacks GLIBCXX_3.4.32 (Debian 12, Ubuntu 22.04), step 1 worked only because of the
#    package's fix: switched off with its documented property, the same consumer must fail to load libtorch.
libstdcxx="$(ldconfig -p 2>/dev/null | sed -n 's/.*libstdc++\.so\.6 (libc6,x86-64) => //p' | head -n 1)"
if [ -n "$libstdcxx" ] && ! grep -q 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
  (cd "$consumer" && dotnet build -c Release --disable-build-servers -p:TorchModelPatchNativeLibraries=false -warnaserror -nologo -v:q -o "$consumer/unpatched")
  if unpatched="$(dotnet "$consumer/unpatched/PackageConsumer.dll" 2>&1)"; then
    fail "with TorchModelPatchNativeLibraries=false the consumer still loaded libtorch; expected the GLIBCXX_3.4.32 failure"
  fi
  grep -q 'GLIBCXX_3.4.32' <<<"$unpatched" \
    || { echo "package-consumer: unpatched run failed for another reason:"; echo "$unpatched" | head -n 20; exit 1; }
  echo "package-consumer: TorchModelPatchNativeLibraries=false switches the fix off (libtorch then fails to load here, as expected)"
fi
echo "package-consumer: passed"
