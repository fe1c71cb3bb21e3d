#!/usr/bin/env bash
# `cistern cat` side by side with `brotli -dc` over the same sealed files, in one run (issue 13, 4).
#
# Writes a spool of ROWS rows from the corpus at quality 5 (about 56 MB of NDJSON per file, so 1M rows
# give 9 files), unless SPOOL names one already written. Then, ROUNDS times, interleaved so load from
# other processes hits every side alike:
#   - `cistern --version` (the JVM's own start-up and picocli, no rows),
#   - `brotli -dc` over the files, one after the other, and `cistern cat` of the spool (bytes to wc -c),
#   - for each filter, `brotli -dc | grep -c TEXT` and `cistern cat FILTER | wc -l`.
# Reports medians of wall time, CPU (user + system of the whole pipeline), bytes out per second,
# the ratio of cat's throughput to brotli's (cat / brotli, higher is better for cat) and peak RSS
# (/usr/bin/time -v, the largest process of the pipeline). Every single measurement goes to stderr.
#
# Usage: scripts/bench-cat.sh [ROWS]             (default 1000000)
# Environment: ROUNDS (5), SPOOL (an existing spool to read instead of writing one), JAR (cli/target/cistern.jar),
#              CLASS_SHARE (on: each jar starts from a class archive, as the launcher's tools do; off: without),
#              BEFORE_JAR (another build, e.g. main's before a change: its cat lines run interleaved too),
#              BEFORE_FLAGS (JVM flags for BEFORE_JAR's lines after the launcher's, e.g. -XX:-UseTransparentHugePages),
#              (the launcher's flags come from jvm-memory.sh, which also exports MALLOC_ARENA_MAX=2 to every line, as
#              the launcher does; runs before 2026-12-03 21:00 UTC had neither it nor huge pages),
#              CORPUS (../shared/corpus/k8s-node.prom), WORK_PARENT (/tmp), NICE (unset).
# Needs: java 17, a built cli/target/cistern.jar (mvn -B -q -pl cli -am package -DskipTests),
#        brotli and GNU time (apt-get install brotli time).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/bench-lib.sh

rows="${1:-${ROWS:-1000000}}"
rounds="${ROUNDS:-5}"
corpus="${CORPUS:-../shared/corpus/k8s-node.prom}"
jar=${JAR:-cli/target/cistern.jar}
command -v brotli >/dev/null || { echo "bench-cat: needs the brotli CLI (apt-get install brotli)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-cat: needs GNU time as /usr/bin/time (apt-get install time)" >&2; exit 1; }
[ -f "$jar" ] || { echo "bench-cat: build first (mvn -B -q -pl cli -am package -DskipTests)" >&2; exit 1; }

work="$(mktemp -d "${WORK_PARENT:-/tmp}/cistern-bench-cat.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# the launcher's flags for a tool (bin/cistern, jvm-memory.sh), without its check for changed sources; its class
# archive (class-share.sh) is made here for each jar, as the launcher makes it on a tool's first run (CLASS_SHARE=off: none)
. cli/src/dist/bin/jvm-memory.sh
flags="--add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true \
-XX:+ExitOnOutOfMemoryError$(cistern_memory_flags "" cat java | tr -d '\n')"
share() { # JAR NAME: the flag that starts from an archive of what `cat --label` loads
  [ "${CLASS_SHARE:-on}" = off ] && return 0
  # as the launcher records: with picocli (CISTERN_CLASS_LIST), so the archive also holds what other tools load
  CISTERN_CLASS_LIST=recording java $flags -XX:DumpLoadedClassList="$work/$2.classlist" -jar "$1" cat "$SPOOL_FOR_LIST" --label a=b \
    > /dev/null 2>&1 || true
  java -Xshare:dump -XX:SharedClassListFile="$work/$2.classlist" -XX:SharedArchiveFile="$work/$2.jsa" -cp "$1" > /dev/null 2>&1 &&
    echo "-XX:SharedArchiveFile=$work/$2.jsa"
}
spool="${SPOOL:-$work/spool}"
if [ -z "${SPOOL:-}" ]; then
  echo "bench-cat: writing $rows rows to $spool" >&2
  java ${flags%% -XX:+ExitOnOutOfMemoryError*} -jar "$jar" bench write --corpus "$corpus" --rows "$rows" --quality 5 --warmup-rows 0 --max-bytes 56000000 \
    --out "$spool" >/dev/null
fi
SPOOL_FOR_LIST="$spool"
cistern="java $flags $(share "$jar" after) -jar $jar"
before_share="$([ -n "${BEFORE_JAR:-}" ] && share "$BEFORE_JAR" before || true)"
find "$spool" -name '*.json.br' | sort > "$work/files"
files=$(wc -l < "$work/files")
bytes=$(while read -r f; do brotli -dc "$f"; done < "$work/files" | wc -c)
rows=$(while read -r f; do brotli -dc "$f"; done < "$work/files" | wc -l)
# a time range over the middle half of the spool, from the file names (stream.first.last....)
read -r first last < <(sed 's|.*/[^.]*\.\([0-9]*\)\.\([0-9]*\)\..*|\1 \2|' "$work/files" | awk 'NR == 1 {f = $1} {l = $2} END {print f, l}')
from=$(( first + (last - first) / 4 )); to=$(( first + 3 * (last - first) / 4 ))
cat > "$work/bdc" <<'SH'
#!/bin/sh
while read -r f; do brotli -dc "$f"; done < "$1"
SH
chmod +x "$work/bdc"
bdc="$work/bdc $work/files"

# name|baseline|command: each is timed as `sh -c command`, its output discarded; a cat line is compared
# with its baseline line (the index of the brotli pipeline doing the same job)
cases=(
  "start-up (cistern --version)||$cistern --version"
  "brotli -dc||$bdc | wc -c"
  "cat|1|$cistern cat $spool | wc -c"
  "brotli -dc + grep -c istio-proxy||$bdc | grep -c istio-proxy"
  "cat --grep istio-proxy|3|$cistern cat $spool --grep istio-proxy | wc -l"
  "brotli -dc + grep -c '\"container\":\"istio-proxy\"'||$bdc | grep -c '\"container\":\"istio-proxy\"'"
  "cat --label container=istio-proxy|5|$cistern cat $spool --label container=istio-proxy | wc -l"
  "brotli -dc + grep -c '\"name\":\"container_cpu_usage_seconds_total\"'||$bdc | grep -c '\"name\":\"container_cpu_usage_seconds_total\"'"
  "cat --name container_cpu_usage_seconds_total|7|$cistern cat $spool --name container_cpu_usage_seconds_total | wc -l"
  "cat --from --to (middle half)|3|$cistern cat $spool --from $from --to $to | wc -l"
)
if [ -n "${BEFORE_JAR:-}" ]; then
  for i in "${!cases[@]}"; do
    case "${cases[$i]}" in
      cat*|start-up*) c="${cases[$i]}"; cases+=("[before] ${c%%|*}|$(cut -d'|' -f2 <<< "$c")|$(sed "s|-XX:SharedArchiveFile=[^ ]* ||; s|-jar $jar|$before_share ${BEFORE_FLAGS:-} -jar $BEFORE_JAR|" <<< "${c#*|*|}")") ;;
    esac
  done
fi

for r in $(seq 1 "$rounds"); do
  for i in "${!cases[@]}"; do
    cmd="${cases[$i]#*|*|}"
    nicely /usr/bin/time -v -o "$work/t" sh -c "$cmd" > "$work/out"
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/t" | awk -F: '{s = 0; for (k = 1; k <= NF; k++) s = s * 60 + $k; print s}')
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/t")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/t")
    echo "$i $wall $cpu $rss" >> "$work/results"
    echo "round $r: ${cases[$i]%%|*}: ${wall}s wall, ${cpu}s cpu, ${rss} KB, out $(tr -d ' \n' < "$work/out")" >&2
  done
done

col() { awk -v i="$1" -v c="$2" '$1 == i {print $c}' "$work/results" | median; }
echo "$(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$rows rows, $files files, $bytes bytes of NDJSON; $rounds rounds, medians"
echo
echo "| command | wall s | CPU s | MB/s of NDJSON read (wall) | × its brotli baseline | peak RSS MB |"
echo "|---|---|---|---|---|---|"
for i in "${!cases[@]}"; do
  wall=$(col "$i" 2); cpu=$(col "$i" 3); rss=$(col "$i" 4)
  rest="${cases[$i]#*|}"; base="${rest%%|*}"
  case "${cases[$i]}" in *start-up*) rate="—" ;; *) rate=$(awk -v b="$bytes" -v w="$wall" 'BEGIN {printf "%.0f", b / w / 1e6}') ;; esac
  ratio="—"
  [ -n "$base" ] && ratio=$(awk -v w="$wall" -v bw="$(col "$base" 2)" 'BEGIN {printf "%.2f", bw / w}')
  echo "| \`${cases[$i]%%|*}\` | $wall | $cpu | $rate | $ratio | $(( rss / 1024 )) |"
done
