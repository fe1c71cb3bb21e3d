#!/usr/bin/env bash
# Compression ratio and single-thread speed of the spool writer at each Brotli quality and window,
# for choosing SpoolConfig's defaults. Ratios are exact; speeds are medians of REPEATS runs, as
# wall-clock rows/s and as rows per CPU-second of the writing thread (steadier on a busy machine).
#
# Usage: scripts/quality-sweep.sh [ROWS]
# Environment: CORPORA ("../shared/corpus/k8s-node.prom ../shared/corpus/node-exporter.prom"),
#              QUALITIES ("0 1 2 3 4 5 6 7 8 9"), WINDOWS ("22"), REPEATS (3), WORK_PARENT (/tmp).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rows="${1:-${ROWS:-500000}}"
corpora="${CORPORA:-../shared/corpus/k8s-node.prom ../shared/corpus/node-exporter.prom}"
qualities="${QUALITIES:-0 1 2 3 4 5 6 7 8 9}"
windows="${WINDOWS:-22}"
repeats="${REPEATS:-3}"

work="$(mktemp -d "${WORK_PARENT:-/tmp}/cistern-sweep.XXXXXX")"
trap 'rm -rf "$work"' EXIT
bin/cistern --version >/dev/null # builds the jar now, not inside a measurement

source "$root/scripts/bench-lib.sh"

echo "## Quality sweep: $rows rows, 1 thread, medians of $repeats runs"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
echo "- load average (1/5/15 min) at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| corpus | quality | window | rows/s | MB/s (NDJSON) | rows/CPU-s | ratio | bytes/row sealed |"
echo "|---|---|---|---|---|---|---|---|"
for corpus in $corpora; do
  for w in $windows; do
    for q in $qualities; do
      speeds=()
      cpus=()
      result=""
      for _ in $(seq 1 "$repeats"); do
        rm -rf "$work/spool"
        result="$(bin/cistern bench write --corpus "$corpus" --rows "$rows" --threads 1 --quality "$q" --window "$w" \
          --out "$work/spool" | tail -n 1)"
        speeds+=("$(json_field "$result" rows_per_s)")
        cpus+=("$(json_field "$result" cpu_s)")
      done
      rps="$(printf '%s\n' "${speeds[@]}" | median)"
      cpu="$(printf '%s\n' "${cpus[@]}" | median)"
      raw="$(json_field "$result" raw_bytes)"
      sealed="$(json_field "$result" sealed_bytes)"
      awk -v c="$(basename "$corpus")" -v q="$q" -v w="$w" -v rps="$rps" -v raw="$raw" -v sealed="$sealed" -v rows="$rows" -v cpu="$cpu" 'BEGIN {
        printf "| %s | %s | %s | %.0f | %.0f | %.0f | %.2f | %.1f |\n", c, q, w, rps, rps * raw / rows / 1e6, rows / cpu, raw / sealed, sealed / rows
      }'
    done
  done
done
rm -rf "$work/spool"
