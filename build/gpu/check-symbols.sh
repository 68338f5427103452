#!/usr/bin/env bash
# Cheap ABI check before running anything: does every symbol that TorchSharp's native libLibTorchSharp.so takes from
# libtorch resolve in the libtorch of a given lib/ folder (for example a Python PyTorch's torch/lib)?
#
#   build/gpu/check-symbols.sh <libLibTorchSharp.so> <torch lib folder>
#
# Reads the library's undefined, unversioned dynamic symbols (libtorch's; glibc/libstdc++ ones carry a version and
# are left to the loader) and the symbols defined by the libraries it needs from that folder, and by theirs (its
# NEEDED closure inside the folder, as the loader would search it). Prints the counts, then each missing symbol
# demangled. Exit code: 0 when all resolve, 1 when some are missing, 2 for bad arguments or tools missing.
set -euo pipefail
lib="${1:-}"
dir="${2:-}"
[ -f "$lib" ] && [ -d "$dir" ] || { echo "usage: check-symbols.sh <libLibTorchSharp.so> <torch lib folder>" >&2; exit 2; }
command -v nm >/dev/null && command -v readelf >/dev/null || { echo "check-symbols: needs nm and readelf (binutils)" >&2; exit 2; }

needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

# The NEEDED closure of $lib within $dir.
declare -A seen=()
queue=($(needed "$lib"))
closure=()
while [ ${#queue[@]} -gt 0 ]; do
  name="${queue[0]}"; queue=("${queue[@]:1}")
  [ -n "${seen[$name]:-}" ] && continue
  seen[$name]=1
  [ -f "$dir/$name" ] || continue
  closure+=("$dir/$name")
  queue+=($(needed "$dir/$name"))
done
[ ${#closure[@]} -gt 0 ] || { echo "check-symbols: none of the libraries $lib needs is in $dir" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
nm -D --undefined-only "$lib" | awk '$1 == "U" && $2 !~ /@/ { print $2 }' | LC_ALL=C sort -u > "$work/undefined"
for l in "${closure[@]}"; do nm -D --defined-only "$l" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }'; done \
  | LC_ALL=C sort -u > "$work/defined"
LC_ALL=C comm -23 "$work/undefined" "$work/defined" > "$work/missing"

echo "check-symbols: $(basename "$lib") needs $(wc -l < "$work/undefined") unversioned symbols from $dir"
echo "check-symbols: searched ${#closure[@]} libraries of its NEEDED closure there: $(printf '%s\n' "${closure[@]##*/}" | head -n 6 | paste -sd' ')$([ ${#closure[@]} -gt 6 ] && echo ' ...')"
missing=$(wc -l < "$work/missing")
if [ "$missing" -eq 0 ]; then
  echo "check-symbols: all resolve"
  exit 0
fi
echo "check-symbols: $missing missing:"
if command -v c++filt >/dev/null; then c++filt < "$work/missing"; else cat "$work/missing"; fi | sed 's/^/  /'
exit 1
