#!/usr/bin/env bash
# Release step: moves the public API of src/TorchModel/PublicAPI.Unshipped.txt into PublicAPI.Shipped.txt.
#
# Every Unshipped line joins Shipped (sorted, each line once); an Unshipped line "*REMOVED*<symbol>" (an API the
# release removes) deletes <symbol> from Shipped instead. Unshipped is left with its "#nullable enable" header only.
# Then the library is built, so the analyzers confirm that the two files still describe its public surface.
#
# Usage: build/mark-api-shipped.sh        (from anywhere; review `git diff src/TorchModel/PublicAPI.*.txt`)
set -euo pipefail
cd "$(dirname "$0")/.."
shipped=src/TorchModel/PublicAPI.Shipped.txt
unshipped=src/TorchModel/PublicAPI.Unshipped.txt

header='#nullable enable'
body() { grep -v -x -e "$header" -e '' "$1" || true; }
removed="$(body "$unshipped" | sed -n 's/^\*REMOVED\*//p')"
added="$(body "$unshipped" | grep -v '^\*REMOVED\*' || true)"

new_shipped="$(mktemp)"
trap 'rm -f "$new_shipped"' EXIT
{
  printf '%s\n' "$header"
  { body "$shipped"; [ -n "$added" ] && printf '%s\n' "$added"; } \
    | { grep -v -x -F -f <(printf '%s\n' "$removed" | grep . || printf '\n') || true; } \
    | LC_ALL=C sort -u
} > "$new_shipped"
cp "$new_shipped" "$shipped"
printf '%s\n' "$header" > "$unshipped"

dotnet build src/TorchModel/TorchModel.csproj -nologo -v:q -clp:NoSummary
echo "mark-api-shipped: $(body "$shipped" | grep -c . || true) symbols in $shipped; $unshipped is empty"
