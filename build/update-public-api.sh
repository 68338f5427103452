#!/usr/bin/env bash
# Regenerates src/TorchModel/PublicAPI.Unshipped.txt from the library's current public surface.
#
# The PublicApiAnalyzers code fix that adds missing symbols only runs in an IDE, so this script empties the
# Unshipped file, builds the library, and writes back every symbol the build reports as RS0016 ("Symbol '...' is not
# part of the declared public API"), sorted. Symbols in PublicAPI.Shipped.txt are left alone; an API removed from the
# code simply drops out of Unshipped. Review the diff: it is the API change.
#
# Usage: build/update-public-api.sh        (from anywhere; exits non-zero if the build fails for another reason)
set -euo pipefail
cd "$(dirname "$0")/.."
project=src/TorchModel/TorchModel.csproj
unshipped=src/TorchModel/PublicAPI.Unshipped.txt

backup="$(mktemp)"
log="$(mktemp)"
trap 'rm -f "$backup" "$log"' EXIT
cp "$unshipped" "$backup"
printf '#nullable enable\n' > "$unshipped"

# --no-incremental: the analyzers must see every file again. The build fails while symbols are missing; that is expected.
dotnet build "$project" --no-incremental -nologo -clp:NoSummary -p:TreatWarningsAsErrors=false >"$log" 2>&1 || true

symbols="$(sed -n "s/.*RS0016: Symbol '\(.*\)' is not part of the declared public API.*/\1/p" "$log" | LC_ALL=C sort -u)"
{
  printf '#nullable enable\n'
  [ -n "$symbols" ] && printf '%s\n' "$symbols"
} > "$unshipped"

# The library must now build cleanly; otherwise restore the old file and show why.
if ! dotnet build "$project" -nologo -clp:NoSummary >"$log" 2>&1; then
  cp "$backup" "$unshipped"
  grep -E 'error|warning' "$log" | sort -u >&2 || cat "$log" >&2
  echo "update-public-api: the build still fails; $unshipped was left as it was." >&2
  exit 1
fi
echo "update-public-api: $(printf '%s\n' "$symbols" | grep -c . || true) symbols in $unshipped"
