#!/usr/bin/env bash
# Packs TorchModel from this clone into a local folder feed and prints the version it packed (the only line on
# standard output; the build's log goes to standard error), for the README's "Install from source":
#
#   version="$(build/pack-local.sh)"            # -> artifacts/feed/TorchModel.<version>.nupkg (+ .snupkg)
#   version="$(build/pack-local.sh some/dir)"   # another feed folder
#
# The version is a prerelease of the next release, unique per pack: <VersionPrefix>-local.<commit height>.<UTC
# yyyyMMddHHmmss>, so a new pack never collides with an earlier one or with a published TorchModel in the NuGet
# cache. With SOURCE_DATE_EPOCH set (reproducible builds), that time is used instead of now: the same commit and
# the same SOURCE_DATE_EPOCH give the same version and the same assembly. Release packs do not use this script
# (docs/packaging.md).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
feed="${1:-$repo/artifacts/feed}"
mkdir -p "$feed"
feed="$(cd "$feed" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

height="$(git -C "$repo" rev-list --count HEAD 2>/dev/null || echo 0)"
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  stamp="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S)"
else
  stamp="$(date -u +%Y%m%d%H%M%S)"
fi
suffix="local.$height.$stamp"

# Package validation runs during pack; -warnaserror makes any of its warnings fail the pack.
dotnet pack "$repo/src/TorchModel" -c Release -o "$feed" -p:VersionSuffix="$suffix" \
  --disable-build-servers -warnaserror -nologo -v:q >&2

package="$(find "$feed" -maxdepth 1 -name "TorchModel.*-$suffix.nupkg" | head -n 1)"
[ -n "$package" ] || { echo "pack-local: no TorchModel package with suffix $suffix in $feed" >&2; exit 1; }
version="$(basename "$package" .nupkg)"
version="${version#TorchModel.}"
echo "pack-local: packed TorchModel $version into $feed" >&2
echo "$version"
