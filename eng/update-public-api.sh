#!/usr/bin/env bash
# Regenerates src/*/PublicAPI.Unshipped.txt from what the PublicApiAnalyzers report (RS0016/RS0017).
# Run it after an intended public API change, then review the diff: the files are the API's record.
set -euo pipefail
cd "$(dirname "$0")/.."
# One writer at a time: several people (or agents) may run this in the same tree.
exec 9>/tmp/automagikhello-build.lock
flock 9
# The core first: the other packages build on it.
for proj in src/AutomagikHello.AgUi/AutomagikHello.AgUi.csproj $(ls src/*/*.csproj | grep -v "^src/AutomagikHello.AgUi/"); do
  dir=$(dirname "$proj")
  # Build against an empty unshipped list so every public symbol is reported.
  cp "$dir/PublicAPI.Unshipped.txt" "$dir/PublicAPI.Unshipped.bak"
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  out=$(dotnet build "$proj" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
  if printf '%s\n' "$out" | grep -E ': error ' | grep -vF "$dir/" | grep -q . \
     || printf '%s\n' "$out" | grep -F "$dir/" | grep -qE 'error CS[0-9]+'; then
    # A compile error (here or in a dependency) hides symbols: keep the old list rather than lose it.
    mv "$dir/PublicAPI.Unshipped.bak" "$dir/PublicAPI.Unshipped.txt"
    echo "$dir: does not compile; PublicAPI.Unshipped.txt left unchanged" >&2
    continue
  fi
  rm "$dir/PublicAPI.Unshipped.bak"
  { printf '#nullable enable\n'
    printf '%s\n' "$out" | grep -F "$dir/" | { grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" || true; } | LC_ALL=C sort -u
  } > "$dir/PublicAPI.Unshipped.txt"
  echo "$dir: $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) unshipped symbols"
done
