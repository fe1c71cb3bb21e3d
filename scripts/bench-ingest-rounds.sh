#!/usr/bin/env bash
# The agent end to end (bench ingest) side by side with the spool alone (bench write), in rounds.
#
# Each round runs, back to back on the same rows: `bench write` with 1 thread, `bench write` with
# 2 threads, then `bench ingest` (an in-process agent over loopback HTTP, warmed up first). The
# report gives, per quality, the median of each figure over the rounds and the median of the
# per-round ratios ingest / write, so load from other processes hits both sides of a ratio alike.
# Progress and every single result go to stderr; the report to stdout.
#
# Usage: scripts/bench-ingest-rounds.sh [SAMPLES]
# Environment: QUALITIES ("1 4"), ROUNDS (5), CONNECTIONS (4), WARMUP (5000000, in requests of 200 samples),
#              CORPUS (../shared/corpus/k8s-node.prom), NICE (unset; e.g. -10).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

samples="${1:-${SAMPLES:-3000000}}"
qualities="${QUALITIES:-1 4}"
rounds="${ROUNDS:-5}"
connections="${CONNECTIONS:-4}"
warmup="${WARMUP:-5000000}"
corpus="${CORPUS:-../shared/corpus/k8s-node.prom}"
[ -f "$corpus" ] || { echo "bench-ingest-rounds: corpus $corpus not found; set CORPUS=FILE.prom" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/cistern-ingest-rounds.XXXXXX")"
trap 'rm -rf "$work"' EXIT
bin/cistern --version >/dev/null # builds the jar now, not inside a measurement
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

source "$root/scripts/bench-lib.sh"

results="$work/results.tsv" # q round w1 w2 sealed accepted p50 p99 cpu_per_m ratio
: >"$results"
for q in $qualities; do
  for r in $(seq 1 "$rounds"); do
    rm -rf "$work/out"
    w1="$(json_field "$(nicely bin/cistern bench write --corpus "$corpus" --rows "$samples" --threads 1 --quality "$q" --out "$work/out" | tail -n 1)" rows_per_s)"
    rm -rf "$work/out"
    w2="$(json_field "$(nicely bin/cistern bench write --corpus "$corpus" --rows "$samples" --threads 2 --quality "$q" --out "$work/out" | tail -n 1)" rows_per_s)"
    rm -rf "$work/out"
    ing="$(nicely bin/cistern bench ingest --corpus "$corpus" --samples "$samples" --connections "$connections" \
        --quality "$q" --warmup-samples "$warmup" --data "$work" 2>"$work/ingest.err" | tail -n 1)"
    sealed="$(json_field "$ing" samples_per_s_sealed)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$q" "$r" "$w1" "$w2" "$sealed" \
      "$(json_field "$ing" samples_per_s_accepted)" "$(json_field "$ing" p50_ms)" "$(json_field "$ing" p99_ms)" \
      "$(json_field "$ing" cpu_s_per_million_samples)" "$(json_field "$ing" ratio)" >>"$results"
    echo "q$q round $r/$rounds: write 1 thread $w1, 2 threads $w2 rows/s; ingest sealed $sealed samples/s; $ing" >&2
  done
done

col() { awk -F'\t' -v q="$1" -v c="$2" '$1 == q { print $c }' "$results" | median; }
ratio() { awk -F'\t' -v q="$1" -v c="$2" '$1 == q { printf "%.3f\n", $5 / $c }' "$results" | median; }

echo "## cistern bench ingest vs bench write"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M') UTC"
echo "- machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)"
echo "- java: $(java -version 2>&1 | head -n 1)"
echo "- corpus: $corpus, $samples samples a run, $connections connections, warm-up $warmup samples, medians of $rounds rounds"
echo "- load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| quality | write 1 thread rows/s | write 2 threads rows/s | ingest sealed samples/s | ingest / write 1 | ingest / write 2 | accepted/s | p50 ms | p99 ms | CPU s / M samples | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for q in $qualities; do
  echo "| $q | $(col "$q" 3) | $(col "$q" 4) | $(col "$q" 5) | $(ratio "$q" 3) | $(ratio "$q" 4) | $(col "$q" 6) | $(col "$q" 7) | $(col "$q" 8) | $(col "$q" 9) | $(col "$q" 10) |"
done
