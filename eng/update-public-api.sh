#!/usr/bin/env bash
# Regenerates src/*/PublicAPI.Unshipped.txt from what the PublicApiAnalyzers report (RS0016/RS0017).
# Run it after an intended public API change, then review the diff: the files are the API's record.
set -euo pipefail
cd "$(dirname "$0")/.."
# One writer at a time: several people (or agents) may run this in the same tree.
exec 9>/tmp/automagikhello-build.lock
flock 9
for proj in src/*/*.csproj; do
  dir=$(dirname "$proj")
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  out=$(dotnet build "$proj" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
  printf '%s\n' "$out" | grep -F "$dir/" | grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" \
    | sort -u >> "$dir/PublicAPI.Unshipped.txt" || true
  # Keep the #nullable header first and the rest sorted for stable diffs.
  { head -n1 "$dir/PublicAPI.Unshipped.txt"; tail -n +2 "$dir/PublicAPI.Unshipped.txt" | LC_ALL=C sort -u; } > "$dir/PublicAPI.tmp" && mv "$dir/PublicAPI.tmp" "$dir/PublicAPI.Unshipped.txt"
  echo "$dir: $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) unshipped symbols"
done
