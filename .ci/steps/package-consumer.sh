#!/usr/bin/env bash
# Consumption test: packs TorchModel into a local folder feed, builds the consumer of tests/PackageConsumer in a
# temporary folder outside the repository (so none of our Directory.Build.* applies) referencing TorchModel by
# package id and version plus libtorch-cpu-linux-x64, runs it, and compares its output with PyTorch's
# named_parameters of SimpleModel2 from the committed golden file. This proves restore, the package's
# buildTransitive native-loading fix, and native loading from packages.
#
# The consumer restores into its own packages folder (the locally packed TorchModel never enters the global
# cache); TorchSharp and libtorch come from the global cache, used read-only as a fallback folder, so nothing is
# downloaded again.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
consumer="$work/consumer"
mkdir -p "$feed" "$consumer"

# 1. Pack (package validation on; any warning fails the step).
dotnet pack src/TorchModel -c Release -o "$feed" --disable-build-servers -warnaserror -nologo -v:q
package="$(find "$feed" -name 'TorchModel.*.nupkg' ! -name '*.snupkg' | head -n 1)"
[ -n "$package" ] || { echo "package-consumer: no TorchModel package was produced"; exit 1; }
version="$(basename "$package" .nupkg)"
version="${version#TorchModel.}"
[ -e "$feed/TorchModel.$version.snupkg" ] || { echo "package-consumer: no symbols package next to $package"; exit 1; }
echo "package-consumer: packed TorchModel $version"

# 2. A consumer outside the repository, with its own NuGet configuration.
cp tests/PackageConsumer/PackageConsumer.csproj.template "$consumer/PackageConsumer.csproj"
cp tests/PackageConsumer/Program.cs "$consumer/Program.cs"
global_packages="$(dotnet nuget locals global-packages -l | sed -n 's/^global-packages: *//p')"
cat > "$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local-feed" value="$feed" />
  </packageSources>
  <config>
    <add key="globalPackagesFolder" value="$work/packages" />
  </config>
  <fallbackPackageFolders>
    <clear />
    <add key="global-cache" value="$global_packages" />
  </fallbackPackageFolders>
</configuration>
XML

cd "$consumer"
dotnet build -c Release --disable-build-servers -p:TorchModelVersion="$version" -warnaserror -nologo -v:q -o "$consumer/out"
[ -e "$work/packages/torchmodel/$version/buildTransitive/TorchModel.targets" ] \
  || { echo "package-consumer: TorchModel was not restored from the local feed"; exit 1; }

# 3. Run it and compare with PyTorch's output.
actual="$(dotnet "$consumer/out/PackageConsumer.dll")"
expected="$(python3 - "$repo/tests/TorchModel.Tests/Golden/traversal.json" <<'PY'
import json, sys
golden = json.load(open(sys.argv[1]))
for p in golden["SimpleModel2"]["named_parameters"]:
    print(f"{p['name']} torch.Size([{', '.join(str(d) for d in p['shape'])}])")
PY
)"
if [ "$actual" != "$expected" ]; then
  echo "package-consumer: output differs from PyTorch's"
  diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") || true
  exit 1
fi
printf '%s\n' "$actual"

# 4. Where the host's libstdc++ lacks GLIBCXX_3.4.32 (Debian 12, Ubuntu 22.04), the run above worked only because
#    of the package's fix: switched off with its documented property, the same consumer must fail to load libtorch.
libstdcxx="$(ldconfig -p 2>/dev/null | sed -n 's/.*libstdc++\.so\.6 (libc6,x86-64) => //p' | head -n 1)"
if [ -n "$libstdcxx" ] && ! grep -q 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
  dotnet build -c Release --disable-build-servers -p:TorchModelVersion="$version" -p:TorchModelPatchNativeLibraries=false -warnaserror -nologo -v:q -o "$consumer/unpatched"
  if unpatched="$(dotnet "$consumer/unpatched/PackageConsumer.dll" 2>&1)"; then
    echo "package-consumer: with TorchModelPatchNativeLibraries=false the consumer still loaded libtorch; expected the GLIBCXX_3.4.32 failure"
    exit 1
  fi
  grep -q 'GLIBCXX_3.4.32' <<<"$unpatched" \
    || { echo "package-consumer: unpatched run failed for another reason:"; echo "$unpatched" | head -n 20; exit 1; }
  echo "package-consumer: TorchModelPatchNativeLibraries=false switches the fix off (libtorch then fails to load here, as expected)"
fi
echo "package-consumer: passed"
