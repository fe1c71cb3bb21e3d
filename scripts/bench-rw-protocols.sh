#!/usr/bin/env bash
# Remote-Write 1.0 against 2.0 end to end (bench ingest: an in-process agent over loopback, warmed up
# first), the same corpus rows in both, v1 and v2 runs interleaved round by round (the order swapped
# every round) so load from other processes hits both alike. Reports medians over the rounds, and the
# median of the per-round ratios v2 / v1. Then native histogram rows: every series sent as native
# histograms (--histogram-share 1) in both protocols, for rows/s and sealed bytes per histogram sample.
# Progress and every single result go to stderr; the report (markdown) to stdout.
#
# Usage: scripts/bench-rw-protocols.sh [SAMPLES]
# Environment: QUALITIES ("1 5"), ROUNDS (5), HIST_ROUNDS (1), CONNECTIONS (4), WARMUP (1000000),
#              CORPUS (../shared/corpus/k8s-node.prom), NICE (unset; e.g. -10).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

samples="${1:-${SAMPLES:-1000000}}"
qualities="${QUALITIES:-1 5}"
rounds="${ROUNDS:-5}"
hist_rounds="${HIST_ROUNDS:-1}"
connections="${CONNECTIONS:-4}"
warmup="${WARMUP:-1000000}"
corpus="${CORPUS:-../shared/corpus/k8s-node.prom}"
[ -f "$corpus" ] || { echo "bench-rw-protocols: corpus $corpus not found; set CORPUS=FILE.prom" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/cistern-rw-protocols.XXXXXX")"
trap 'rm -rf "$work"' EXIT
bin/cistern --version >/dev/null # builds the jar now, not inside a measurement
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

source "$root/scripts/bench-lib.sh"

# one run: q protocol share -> the JSON line
run() {
  nicely bin/cistern bench ingest --corpus "$corpus" --samples "$samples" --connections "$connections" --quality "$1" \
      --protocol "$2" --histogram-share "$3" --warmup-samples "$warmup" --data "$work" 2>"$work/ingest.err" | tail -n 1
}

results="$work/results.tsv" # q round protocol share sealed/s cpu/M agent-cpu/M http-cpu body-bytes/sample hist-rows/s bytes/hist
: >"$results"
record() { # q round protocol share json
  local j="$5"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$(json_field "$j" samples_per_s_sealed)" \
    "$(json_field "$j" cpu_s_per_million_samples)" "$(json_field "$j" agent_cpu_s_per_million_samples)" \
    "$(json_field "$j" http_cpu_seconds)" "$(awk -v b="$(json_field "$j" body_bytes)" -v s="$samples" 'BEGIN { printf "%.1f", b / s }')" \
    "$(json_field "$j" histogram_rows_per_s)" "$(json_field "$j" sealed_bytes_per_histogram_sample)" >>"$results"
  echo "q$1 round $2 $3 histogram share $4: $j" >&2
}

for r in $(seq 1 "$rounds"); do
  for q in $qualities; do
    order="v1 v2"
    [ $((r % 2)) -eq 0 ] && order="v2 v1"
    for p in $order; do record "$q" "$r" "$p" 0 "$(run "$q" "$p" 0)"; done
  done
done
for r in $(seq 1 "$hist_rounds"); do
  for q in $qualities; do
    for p in v1 v2; do record "$q" "$r" "$p" 1 "$(run "$q" "$p" 1)"; done
  done
done

col() { awk -F'\t' -v q="$1" -v p="$2" -v s="$3" -v c="$4" '$1 == q && $3 == p && $4 == s { print $c }' "$results" | median; }
# median over the rounds of v2's figure / v1's figure in the same round
ratio() {
  awk -F'\t' -v q="$1" -v c="$2" '$1 == q && $4 == 0 { v[$2 "," $3] = $c; r[$2] = 1 }
      END { for (k in r) if (v[k ",v1"] > 0) printf "%.3f\n", v[k ",v2"] / v[k ",v1"] }' "$results" | median
}

echo "## Remote-Write 1.0 vs 2.0: bench ingest, interleaved"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M') UTC"
echo "- machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), shared with other builds"
echo "- java: $(java -version 2>&1 | head -n 1)"
echo "- corpus: $corpus, $samples samples a run, $connections connections, 2,000 samples a request, warm-up $warmup samples"
echo "- v1 and v2 interleaved, order swapped each round; medians of $rounds rounds (histogram rows: $hist_rounds)"
echo "- load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| quality | protocol | sealed samples/s | CPU s / M samples | agent CPU s / M samples | HTTP threads CPU s | body bytes / sample |"
echo "|---|---|---|---|---|---|---|"
for q in $qualities; do
  for p in v1 v2; do
    echo "| $q | $p | $(col "$q" "$p" 0 5) | $(col "$q" "$p" 0 6) | $(col "$q" "$p" 0 7) | $(col "$q" "$p" 0 8) | $(col "$q" "$p" 0 9) |"
  done
  echo "| $q | v2 / v1 (median of per-round ratios) | $(ratio "$q" 5) | $(ratio "$q" 6) | $(ratio "$q" 7) | $(ratio "$q" 8) | $(ratio "$q" 9) |"
done
echo
echo "Native histograms (every series a histogram, one row per histogram sample):"
echo
echo "| quality | protocol | histogram rows/s (sealed) | sealed bytes / histogram sample | CPU s / M samples | body bytes / sample |"
echo "|---|---|---|---|---|---|"
for q in $qualities; do
  for p in v1 v2; do
    echo "| $q | $p | $(col "$q" "$p" 1 10) | $(col "$q" "$p" 1 11) | $(col "$q" "$p" 1 6) | $(col "$q" "$p" 1 9) |"
  done
done
