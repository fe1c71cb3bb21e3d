#!/usr/bin/env bash
# Peak memory of a receiver under the issue-13 load: the receiver runs as its own process, `cistern bench ingest`
# loads it from another (k8s corpus, 2,000 samples per request, 4 keep-alive connections, then waits until the
# journal is sealed), and /proc/PID/status is read every 200 ms. One line per run on stdout:
#   receiver, peak VmHWM, peak VmRSS, peak RssAnon, RssFile and RssShmem (MiB), the receiver's CPU (user+sys, from
#   /proc/PID/stat) per sample from the start of the load until it returned (sealed), then the load's JSON result.
#
# Usage: scripts/bench-memory.sh cistern [CONFIG]   # bin/cistern run; JAVA_OPTS as the environment has it
#        scripts/bench-memory.sh vmagent            # needs vmagent (apt-get install victoria-metrics)
# Environment: SAMPLES (20000000), PORT (19464; vmagent: 8429),
#              LOAD_JAVA_OPTS (the load generator's; -Xmx6g -XX:+UseParallelGC),
#              LAUNCHER (bin/cistern; e.g. an older launcher copied into bin/ to compare its defaults),
#              NMT=1 (print the NMT summary with the most committed; JAVA_OPTS=-XX:NativeMemoryTracking=summary).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
corpus="${CORPUS:-../shared/corpus/k8s-node.prom}"
[ -f "$corpus" ] || { echo "bench-memory: corpus $corpus not found; set CORPUS=FILE.prom" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/cistern-memory.XXXXXX")"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

kind="$1"
case "$kind" in
  cistern)
    port="${PORT:-19464}"
    args=(run --data "$work/data" --listen "127.0.0.1:$port")
    if [ -n "${2:-}" ]; then
      # a copy of the config with its local outbox under the work directory
      mkdir -p "$work/outbox"
      sed -e "s|to: \"file:.*\"|to: \"file:$work/outbox\"|" "$2" > "$work/config.yaml"
      args+=(--config "$work/config.yaml")
    fi
    # the corpus' samples are stamped from 2025-11-22: take them in (ingest.remote_write.max_age)
    CISTERN_INGEST__REMOTE_WRITE__MAX_AGE=36500d \
    ${LAUNCHER:-bin/cistern} "${args[@]}" > "$work/agent.log" 2>&1 &
    pid=$!
    url="http://127.0.0.1:$port"
    ready="$url/healthz"
    ;;
  vmagent)
    port="${PORT:-8429}"
    command -v vmagent > /dev/null || { echo "bench-memory: no vmagent: apt-get install victoria-metrics" >&2; exit 1; }
    vmagent -remoteWrite.url=http://127.0.0.1:1/api/v1/write -remoteWrite.tmpDataPath="$work/vmagent" \
      -httpListenAddr="127.0.0.1:$port" > "$work/agent.log" 2>&1 &
    pid=$!
    url="http://127.0.0.1:$port"
    ready="http://127.0.0.1:$port/health"
    ;;
  *) echo "usage: bench-memory.sh cistern [CONFIG] | vmagent" >&2; exit 2 ;;
esac

for _ in $(seq 1 300); do curl -fs -o /dev/null "$ready" && break; sleep 0.2; done
curl -fs -o /dev/null "$ready" || { echo "bench-memory: $kind did not come up:" >&2; cat "$work/agent.log" >&2; exit 1; }

# the sampler: the highest of each field over the run, in kB
sample() {
  local vmhwm=0 vmrss=0 anon=0 file=0 shmem=0
  while [ -r "/proc/$pid/status" ] && [ ! -e "$work/stop" ]; do
    read -r a b c d e < <(awk '/^VmHWM/{h=$2} /^VmRSS/{r=$2} /^RssAnon/{a=$2} /^RssFile/{f=$2} /^RssShmem/{s=$2}
      END { print h+0, r+0, a+0, f+0, s+0 }' "/proc/$pid/status" 2>/dev/null || echo 0 0 0 0 0)
    ((a > vmhwm)) && vmhwm=$a; ((b > vmrss)) && vmrss=$b; ((c > anon)) && anon=$c
    ((d > file)) && file=$d; ((e > shmem)) && shmem=$e
    echo "$vmhwm $vmrss $anon $file $shmem" > "$work/peak.tmp" && mv "$work/peak.tmp" "$work/peak"
    sleep 0.2
  done
}
sample &
sampler=$!
# with NMT=1 (and -XX:NativeMemoryTracking=summary in JAVA_OPTS): `jcmd VM.native_memory summary` every 3 s,
# the one with the most committed kept for stderr
nmt() {
  local best=0 n
  while [ ! -e "$work/stop" ]; do
    jcmd "$pid" VM.native_memory summary > "$work/nmt.now" 2>&1 || true
    n=$(sed -n 's/^Total: reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/\1/p' "$work/nmt.now")
    if [ -n "$n" ] && ((n > best)); then best=$n; mv "$work/nmt.now" "$work/nmt.txt"; fi
    sleep 3
  done
}
nmter=
if [ -n "${NMT:-}" ]; then nmt & nmter=$!; fi

# the load generator is a JVM of its own, with a heap for its encoded requests whatever the receiver was given
load_opts="${LOAD_JAVA_OPTS:--Xmx6g -XX:+UseParallelGC}"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
cpu_before=$(cpu_ticks)
result="$(JAVA_OPTS="$load_opts" bin/cistern bench ingest --url "$url" --corpus "$corpus" --samples "${SAMPLES:-20000000}" \
  --connections 4 --samples-per-request 2000 2>/dev/null | tail -n 1)"
cpu_after=$(cpu_ticks)
touch "$work/stop"
wait "$sampler"
if [ -n "$nmter" ]; then wait "$nmter"; cat "$work/nmt.txt" >&2; fi
read -r vmhwm vmrss anon file shmem < "$work/peak"
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
echo "$kind VmHWM=$(mib "$vmhwm") VmRSS=$(mib "$vmrss") RssAnon=$(mib "$anon") RssFile=$(mib "$file")" \
  "RssShmem=$(mib "$shmem") MiB" \
  "cpu_us_per_sample=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v n="${SAMPLES:-20000000}" \
    'BEGIN { printf "%.3f", t / hz * 1e6 / n }') load=$(cut -d' ' -f1 /proc/loadavg) $result"
