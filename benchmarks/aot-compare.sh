#!/usr/bin/env bash
# JIT against Native AOT on a noisy machine: runs the harness under the JIT and as a Native AOT executable alternately,
# ROUNDS times each (so that a slow minute of the host hits both modes alike), and prints, per measurement, the median
# over the rounds of each mode's median and their ratio.
#
#   bash benchmarks/aot-compare.sh [ROUNDS] [extra publish properties...]
#   bash benchmarks/aot-compare.sh 5 -p:IlcInstructionSet=native
#
# Needs clang and zlib on Linux for the publish (Debian: apt-get install -y clang zlib1g-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
shift || true
project=benchmarks/Hitl.Policy.AotHarness
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet publish "$project" -c Release -r linux-x64 -o "$out/aot" "$@" >"$out/publish.log" 2>&1 || { cat "$out/publish.log"; exit 1; }
# The publish leaves its own build in bin/; build the JIT half afterwards so that dotnet run uses the JIT settings.
dotnet build "$project" -c Release >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }

for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds" >&2
  dotnet run -c Release --no-build --project "$project" | grep '^| [hr]' | sed 's/^/jit/' >>"$out/rows"
  "$out/aot/Hitl.Policy.AotHarness" | grep '^| [hr]' | sed 's/^/aot/' >>"$out/rows"
done

echo "Medians over $rounds alternating rounds of each mode's median ns/decision (publish options: ${*:-none})"
echo
echo "| Class | Measurement | JIT | Native AOT | AOT / JIT |"
echo "|---|---|---:|---:|---:|"
awk -F'|' '
  function median(list,   n, values, i, j, t) {
    n = split(list, values, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (values[j] + 0 < values[i] + 0) { t = values[i]; values[i] = values[j]; values[j] = t }
    return n % 2 ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
  }
  {
    mode = substr($1, 1, 3); key = $2 "|" $3; gsub(/,/, "", $4)
    if (!(key in seen)) { seen[key] = 1; order[++count] = key }
    samples[mode, key] = samples[mode, key] " " $4
  }
  END {
    for (i = 1; i <= count; i++) {
      key = order[i]; jit = median(samples["jit", key]); aot = median(samples["aot", key])
      printf "|%s| %.2f | %.2f | %.2fx |\n", key, jit, aot, aot / jit
    }
  }' "$out/rows"
