#!/usr/bin/env bash
# Cistern's spool writer side by side with the brotli command-line tool, in one run.
#
# For each quality Q and thread count T: `cistern bench write` writes N generated rows through the
# spool (dumping the exact NDJSON it compressed on the first run), then `brotli -q Q -w W` compresses
# that same NDJSON file (page cache warm, output to a file). Each pair is repeated REPEATS times,
# interleaved (ours, CLI, ours, CLI, ...) so load from other processes hits both alike, and the
# table reports medians. Progress and every single measurement go to stderr; the report to stdout.
# Besides wall-clock rows/s it reports rows per CPU-second (user + system time of our appending
# and sealing threads, of the brotli process), which other load on the machine disturbs far less.
#
# Usage: scripts/bench-vs-brotli.sh [ROWS]
# Environment: QUALITIES ("1 4 5"), THREADS ("1 2"), REPEATS (5), WINDOW (22),
#              CORPUS (../shared/corpus/k8s-node.prom), WORK_PARENT (/tmp: where scratch files go),
#              NICE (unset; e.g. -10 runs both sides at a higher priority on a machine others are using).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rows="${1:-${ROWS:-2000000}}"
qualities="${QUALITIES:-1 4 5}"
thread_counts="${THREADS:-1 2}"
repeats="${REPEATS:-5}"
window="${WINDOW:-22}"
corpus="${CORPUS:-../shared/corpus/k8s-node.prom}"

command -v brotli >/dev/null || { echo "bench-vs-brotli: needs the brotli CLI (apt-get install brotli)" >&2; exit 1; }
[ -f "$corpus" ] || { echo "bench-vs-brotli: corpus $corpus not found; set CORPUS=FILE.prom" >&2; exit 1; }

work="$(mktemp -d "${WORK_PARENT:-/tmp}/cistern-vs-brotli.XXXXXX")"
trap 'rm -rf "$work"' EXIT

bin/cistern --version >/dev/null # builds the jar now, not inside a measurement
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

source "$root/scripts/bench-lib.sh"

results="$work/results.tsv" # q t run ours_rows_per_s cli_rows_per_s ours_ratio cli_ratio raw_bytes ours_cpu_s cli_cpu_s
: >"$results"

for q in $qualities; do
  for t in $thread_counts; do
    dump="$work/q$q-t$t.ndjson"
    dump_bytes=""
    for run in $(seq 1 "$repeats"); do
      out="$work/spool"
      rm -rf "$out"
      args=(bench write --corpus "$corpus" --rows "$rows" --threads "$t" --quality "$q" --window "$window" --out "$out")
      [ "$run" = 1 ] && args+=(--dump-ndjson "$dump")
      result="$(nicely bin/cistern "${args[@]}" | tail -n 1)"
      ours="$(json_field "$result" rows_per_s)"
      ours_ratio="$(json_field "$result" ratio)"
      raw="$(json_field "$result" raw_bytes)"
      ours_cpu="$(json_field "$result" cpu_s)"
      if [ "$run" = 1 ]; then
        dump_bytes="$(stat -c %s "$dump")"
        cat "$dump" >/dev/null # page cache warm for the CLI
      fi
      if [ "$raw" != "$dump_bytes" ]; then
        echo "bench-vs-brotli: run $run wrote $raw raw bytes but the dump has $dump_bytes" >&2
        exit 1
      fi
      rm -rf "$out"

      TIMEFORMAT='%3R %3U %3S'
      read -r cli_wall cli_user cli_sys < <({ time nicely brotli -q "$q" -w "$window" -f -o "$work/cli.br" "$dump"; } 2>&1)
      cli_bytes="$(stat -c %s "$work/cli.br")"
      rm -f "$work/cli.br"
      cli="$(awk -v r="$rows" -v s="$cli_wall" 'BEGIN { printf "%.0f", r / s }')"
      cli_cpu="$(awk -v u="$cli_user" -v s="$cli_sys" 'BEGIN { printf "%.3f", u + s }')"
      cli_ratio="$(awk -v a="$dump_bytes" -v b="$cli_bytes" 'BEGIN { printf "%.2f", a / b }')"

      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$q" "$t" "$run" "$ours" "$cli" "$ours_ratio" "$cli_ratio" "$raw" \
        "$ours_cpu" "$cli_cpu" >>"$results"
      printf 'q%s t%s run %s/%s: ours %s rows/s (ratio %s), brotli CLI %s rows/s (ratio %s), ours/CLI %s\n' \
        "$q" "$t" "$run" "$repeats" "$ours" "$ours_ratio" "$cli" "$cli_ratio" \
        "$(awk -v a="$ours" -v b="$cli" 'BEGIN { printf "%.2f", a / b }')" >&2
    done
    rm -f "$dump"
  done
done

echo "## cistern bench write vs brotli CLI"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
echo "- java: $(java -version 2>&1 | head -n 1)"
echo "- brotli CLI: $(brotli --version)"
echo "- corpus: $corpus, $rows rows ($(awk -v b="$(awk -F'\t' 'NR == 1 { print $8 }' "$results")" -v r="$rows" 'BEGIN { printf "%.0f", b / r }') bytes of NDJSON per row), window $window, medians of $repeats interleaved runs"
[ -n "${NICE:-}" ] && echo "- both sides run with nice -n $NICE"
echo "- load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| quality | threads | ours rows/s | CLI rows/s | ours / CLI | target | ours ratio | CLI ratio | ours rows/CPU-s | CLI rows/CPU-s | ours / CLI per CPU-s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for q in $qualities; do
  for t in $thread_counts; do
    col() { awk -F'\t' -v q="$q" -v t="$t" -v c="$1" '$1 == q && $2 == t { print $c }' "$results" | median; }
    ours="$(col 4)"
    cli="$(col 5)"
    ours_ratio="$(col 6)"
    cli_ratio="$(col 7)"
    ours_cpu="$(col 9)"
    cli_cpu="$(col 10)"
    awk -v q="$q" -v t="$t" -v o="$ours" -v c="$cli" -v orat="$ours_ratio" -v crat="$cli_ratio" -v rows="$rows" \
        -v ocpu="$ours_cpu" -v ccpu="$cli_cpu" 'BEGIN {
      target = (t == 1) ? 0.85 : (t == 2 ? 1.6 : 0)
      x = o / c
      verdict = target == 0 ? "" : sprintf("%s %.2f", x >= target ? "met, >=" : "MISSED, >=", target)
      printf "| %s | %s | %.0f | %.0f | %.2f | %s | %.2f | %.2f | %.0f | %.0f | %.2f |\n", q, t, o, c, x, verdict, orat, crat,
        rows / ocpu, rows / ccpu, ccpu / ocpu
    }'
  done
done
