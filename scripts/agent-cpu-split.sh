#!/usr/bin/env bash
# CPU per sample of a receiver process, measured from outside: starts the agent (or vmagent) as its own process,
# sends SAMPLES samples with `cistern bench ingest --url` from another process, waits until the agent's journal lag
# is 0 (vmagent: until its queue stops growing), and reads user+sys CPU from /proc/<pid>/stat (all threads: GC, JIT
# included) before and after, split by thread group from /proc/<pid>/task/*/stat.
# Usage: scripts/agent-cpu-split.sh cistern|vmagent [SAMPLES]   (env: QUALITY=1, LANES=, INGEST_THREADS=4, PORT=19510, AGENT_OPTS: the agent's JAVA_OPTS,
#   WARMUP=N: send N samples first and wait until they are sealed, unmeasured, so the figure is the warm agent's)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:-cistern}"; samples="${2:-20000000}"; port="${PORT:-19510}"
corpus="${CORPUS:-$root/../shared/corpus/k8s-node.prom}"
work="$(mktemp -d "${TMPDIR:-/tmp}/cpu-split.XXXXXX")"
tick=$(getconf CLK_TCK)
# BENCH_JAR runs that jar with bin/cistern's JVM flags (A/B of builds); else bin/cistern (which builds when needed)
cistern() {
  if [ -n "${BENCH_JAR:-}" ]; then
    exec java ${JAVA_OPTS:-} -XX:+ExitOnOutOfMemoryError --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
      --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED \
      -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true -jar "$BENCH_JAR" "$@"
  else exec "$root/bin/cistern" "$@"; fi
}
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

threads() { # CPU ticks per thread group (thread names from comm; they may hold spaces)
  for t in /proc/"$pid"/task/*; do
    s=$(cat "$t/stat" 2>/dev/null) || continue
    comm=${s#*(}; comm=${comm%%)*}; rest=${s##*) }
    set -- $rest; echo "$(( ${12} + ${13} )) $comm"
  done | awk '{
    t0=$1; sub(/^[0-9]+ /, ""); n=$0; g="other";
    if (n ~ /CompilerThre/) g="jit";
    else if (n ~ /^(GC Thread|G1 |VM Periodic|ParGC|Conc)/) g="gc";
    else if (n ~ /apply|sealer|rotation/) g="lanes";
    else if (n ~ /cistern-http|ingest|event|worker|vmagent/) g="http";
    t[g]+=t0 } END { for (g in t) print g, t[g] }' | sort
}
total() { set -- $(sed 's/.*) //' /proc/"$pid"/stat); echo $(( ${12} + ${13} )); }

if [ "$kind" = vmagent ]; then
  vmagent -remoteWrite.url=http://127.0.0.1:1/api/v1/write -remoteWrite.tmpDataPath="$work/vm" \
      -httpListenAddr=127.0.0.1:8429 -loggerLevel=ERROR >"$work/agent.log" 2>&1 &
  pid=$!; url=http://127.0.0.1:8429; ready=$url/metrics
else
  printf 'spool:\n  quality: %s\n' "${QUALITY:-1}" >"$work/agent.yaml"
  [ -n "${LANES:-}" ] && printf '  lanes: %s\n' "$LANES" >>"$work/agent.yaml"
  printf 'ingest:\n  threads: %s\n  remote_write:\n    max_age: 36500d\nupload:\n  to: ""\n' "${INGEST_THREADS:-4}" >>"$work/agent.yaml" # the corpus' times are fixed
  JAVA_OPTS="${AGENT_OPTS:-}" cistern run --config "$work/agent.yaml" --data "$work/data" --listen 127.0.0.1:"$port" >"$work/agent.log" 2>&1 &
  pid=$!; url=http://127.0.0.1:$port; ready=$url/metrics
fi
for _ in $(seq 600); do curl -fs "$ready" >/dev/null 2>&1 && break; sleep 0.1; done
sleep 1
drained() { # until the receiver has written everything it took
  if [ "$kind" = vmagent ]; then
    prev=-1; while :; do cur=$(du -sb "$work/vm" | cut -f1); [ "$cur" = "$prev" ] && break; prev=$cur; sleep 1; done
  else
    while :; do lag=$(curl -fs "$url/metrics" | awk '/^cistern_journal_lag_entries/ {print $2}'); [ "${lag%.*}" = 0 ] && break; sleep 0.2; done
  fi
}
if [ "${WARMUP:-0}" -gt 0 ]; then
  (JAVA_OPTS= cistern bench ingest --url "$url" --corpus "$corpus" --samples "$WARMUP" --connections 4 \
      --samples-per-request 2000 >"$work/warmup.out" 2>&1) || { tail "$work/warmup.out"; exit 1; }
  drained
fi
JAVA_OPTS= cistern bench ingest --url "$url" --corpus "$corpus" --samples "$samples" --connections 4 \
    --samples-per-request 2000 >"$work/bench.out" 2>"$work/bench.err" &
bench=$!
# the load starts once its requests are encoded (before that the receiver idles)
while ! grep -q 'encoded' "$work/bench.err" 2>/dev/null; do kill -0 $bench 2>/dev/null || break; sleep 0.05; done
load0=$(cut -d' ' -f1-3 /proc/loadavg); c0=$(total); threads >"$work/t0"; t_start=$(date +%s.%N)
wait $bench || { tail "$work/bench.err"; exit 1; }
t_acked=$(date +%s.%N)
drained
t_end=$(date +%s.%N); c1=$(total); threads >"$work/t1"; load1=$(cut -d' ' -f1-3 /proc/loadavg)
us() { awk -v t="$1" -v k="$tick" -v n="$samples" 'BEGIN { printf "%.3f", t / k * 1e6 / n }'; }
echo "kind=$kind opts=[${AGENT_OPTS:-}] quality=${QUALITY:-1} lanes=${LANES:-default} ingest_threads=${INGEST_THREADS:-4} samples=$samples warmup=${WARMUP:-0} load=[$load0]->[$load1]"
echo "accept_s=$(awk -v a="$t_start" -v b="$t_acked" 'BEGIN{printf "%.1f", b-a}') total_s=$(awk -v a="$t_start" -v b="$t_end" 'BEGIN{printf "%.1f", b-a}')"
echo "cpu_us_per_sample=$(us $((c1 - c0)))"
join -a1 -a2 -e 0 -o 0,1.2,2.2 "$work/t0" "$work/t1" | while read -r g a b; do echo "  $g=$(us $((b - a)))"; done
[ "$kind" = vmagent ] && echo "disk_bytes=$(du -sb "$work/vm" | cut -f1)" || echo "sealed_bytes=$(du -sb "$work/data" | cut -f1)"
