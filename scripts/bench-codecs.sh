#!/usr/bin/env bash
# Each codec of the spool writer side by side with its own reference CLI, on the same bytes.
#
# For each corpus and codec setting: `cistern bench write --codec C` writes N generated rows through
# the spool with one thread (dumping the exact NDJSON it compressed on the first run), then the
# codec's CLI compresses that same NDJSON file with one thread at the same level and window
# (`brotli -q Q -w W`, `zstd -T1 -Q [--long=W]`, `gzip -Q`), page cache warm, output to a file, and
# decompresses it to /dev/null. Runs are interleaved (every setting's pair, then again) so load from
# other processes hits all alike, and the table reports medians. Besides wall-clock rows/s it reports
# rows per CPU-second (user + system of our appending and sealing threads, of the CLI process),
# which other load on a shared machine disturbs far less, CPU microseconds per row, and decode speed
# (raw MB per CPU-second: ours is Scanner.lines over the sealed files, line by line, as cat and
# verify read them; the CLI's is `-d` to /dev/null).
#
# Usage: scripts/bench-codecs.sh [ROWS]
# Environment: CODECS ("brotli:5:22 zstd:3:0 zstd:9:27 gzip:6:0 gzip:1:0", codec:level:window),
#              CORPORA ("../shared/corpus/k8s-node.prom ../shared/corpus/node-exporter.prom"),
#              REPEATS (3), WORK_PARENT (/tmp), NICE (unset; e.g. -10),
#              MAX_BYTES (1073741824: one segment per run, one stream like the CLI's; also keeps clear of the
#              64 MiB rotation that corrupts Brotli segments on this base, see docs/benchmarks.md "Codecs").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rows="${1:-${ROWS:-1000000}}"
codecs="${CODECS:-brotli:5:22 zstd:3:0 zstd:9:27 gzip:6:0 gzip:1:0}"
corpora="${CORPORA:-../shared/corpus/k8s-node.prom ../shared/corpus/node-exporter.prom}"
repeats="${REPEATS:-3}"
max_bytes="${MAX_BYTES:-1073741824}"

for tool in brotli zstd gzip; do
  command -v "$tool" >/dev/null || { echo "bench-codecs: needs the $tool CLI (apt-get install $tool)" >&2; exit 1; }
done
for c in $corpora; do [ -f "$c" ] || { echo "bench-codecs: corpus $c not found; set CORPORA" >&2; exit 1; }; done

work="$(mktemp -d "${WORK_PARENT:-/tmp}/cistern-codecs.XXXXXX")"
trap 'rm -rf "$work"' EXIT

bin/cistern --version >/dev/null # builds the jar now, not inside a measurement
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
source "$root/scripts/bench-lib.sh"

# corpus setting run ours_rows_per_s cli_rows_per_s ours_ratio cli_ratio raw ours_cpu cli_cpu ours_dec_mb_cpu cli_dec_mb_cpu
results="$work/results.tsv"
: >"$results"

cli_compress() { # codec level window in out
  case "$1" in
    brotli) brotli -q "$2" -w "$3" -f -o "$5" "$4" ;;
    zstd) if [ "$3" = 0 ]; then zstd -q -f -T1 -"$2" -o "$5" "$4"; else zstd -q -f -T1 -"$2" --long="$3" -o "$5" "$4"; fi ;;
    gzip) gzip -c -"$2" "$4" >"$5" ;;
  esac
}
cli_decompress() { # codec window file
  case "$1" in
    brotli) brotli -d -c "$3" >/dev/null ;;
    zstd) if [ "$2" = 0 ]; then zstd -q -d -c "$3" >/dev/null; else zstd -q -d -c --long="$2" "$3" >/dev/null; fi ;;
    gzip) gzip -d -c "$3" >/dev/null ;;
  esac
}
seconds_of() { # runs a command, prints "wall cpu"
  local TIMEFORMAT='%3R %3U %3S' w u s
  read -r w u s < <({ time nicely "$@"; } 2>&1)
  awk -v w="$w" -v u="$u" -v s="$s" 'BEGIN { printf "%s %.3f\n", w, u + s }'
}

for run in $(seq 1 "$repeats"); do
  for corpus in $corpora; do
    cname="$(basename "$corpus" .prom)"
    for setting in $codecs; do
      IFS=: read -r codec level window <<<"$setting"
      dump="$work/$cname-$setting.ndjson"
      out="$work/spool"
      rm -rf "$out"
      args=(bench write --corpus "$corpus" --rows "$rows" --threads 1 --codec "$codec" --max-bytes "$max_bytes" --out "$out")
      case "$codec" in
        brotli) args+=(--quality "$level" --window "$window") ;;
        zstd) args+=(--level "$level"); [ "$window" != 0 ] && args+=(--long "$window") ;;
        gzip) args+=(--level "$level") ;;
      esac
      [ "$run" = 1 ] && args+=(--dump-ndjson "$dump")
      result="$(nicely bin/cistern "${args[@]}" | tail -n 1)"
      rm -rf "$out"
      raw="$(json_field "$result" raw_bytes)"
      [ "$raw" = "$(stat -c %s "$dump")" ] || { echo "bench-codecs: $setting wrote $raw raw bytes, the dump differs" >&2; exit 1; }
      cat "$dump" >/dev/null # page cache warm for the CLI
      read -r cli_wall cli_cpu < <(seconds_of cli_compress "$codec" "$level" "$window" "$dump" "$work/cli.out")
      [ -s "$work/cli.out" ] || { echo "bench-codecs: the $codec CLI wrote nothing for $setting" >&2; exit 1; }
      cli_bytes="$(stat -c %s "$work/cli.out")"
      read -r _ cli_dec_cpu < <(seconds_of cli_decompress "$codec" "$window" "$work/cli.out")
      rm -f "$work/cli.out"
      awk -v OFS='\t' -v c="$cname" -v s="$setting" -v run="$run" -v rows="$rows" -v raw="$raw" -v cb="$cli_bytes" \
          -v ours="$(json_field "$result" rows_per_s)" -v orat="$(json_field "$result" ratio)" \
          -v ocpu="$(json_field "$result" cpu_s)" -v odec="$(json_field "$result" decode_mb_per_cpu_s)" \
          -v cw="$cli_wall" -v ccpu="$cli_cpu" -v cdec="$cli_dec_cpu" 'BEGIN {
        print c, s, run, ours, rows / cw, orat, raw / cb, raw, ocpu, ccpu, odec, (cdec > 0 ? raw / cdec / 1e6 : 0)
      }' >>"$results"
      tail -n 1 "$results" | awk -F'\t' '{ printf "%s %s run %s: ours %.0f rows/s (ratio %.2f), CLI %.0f rows/s (ratio %.2f)\n",
        $1, $2, $3, $4, $6, $5, $7 }' >&2
    done
  done
done

echo "## cistern bench write vs each codec's CLI (one thread)"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
echo "- java: $(java -version 2>&1 | head -n 1)"
echo "- CLIs: $(brotli --version), $(zstd --version | head -n 1), $(gzip --version | head -n 1)"
echo "- $rows rows per run, medians of $repeats interleaved runs; setting is codec:level:window (zstd window = --long)"
[ -n "${NICE:-}" ] && echo "- both sides run with nice -n $NICE"
echo "- load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| corpus | setting | ours rows/s | CLI rows/s | ours / CLI | ours ratio | CLI ratio | ratio ours / CLI | ours rows/CPU-s | CLI rows/CPU-s | ours µs CPU/row | ours decode MB/CPU-s | CLI decode MB/CPU-s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for corpus in $corpora; do
  cname="$(basename "$corpus" .prom)"
  for setting in $codecs; do
    col() { awk -F'\t' -v c="$cname" -v s="$setting" -v k="$1" '$1 == c && $2 == s { print $k }' "$results" | median; }
    awk -v c="$cname" -v s="$setting" -v rows="$rows" -v o="$(col 4)" -v cl="$(col 5)" -v orat="$(col 6)" -v crat="$(col 7)" \
        -v ocpu="$(col 9)" -v ccpu="$(col 10)" -v odec="$(col 11)" -v cdec="$(col 12)" 'BEGIN {
      printf "| %s | %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.3f | %.0f | %.0f | %.2f | %.0f | %.0f |\n", c, s, o, cl, o / cl,
        orat, crat, orat / crat, rows / ocpu, rows / ccpu, ocpu / rows * 1e6, odec, cdec
    }'
  done
done
