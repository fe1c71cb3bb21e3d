#!/usr/bin/env bash
# Cistern side by side with vmagent on the same remote_write load (issue 13).
#
# Every receiver runs as its own process and gets the same requests from one load generator, also
# its own process (`cistern bench ingest --url`, requests encoded before the clock starts, the same
# seed for everyone). vmagent runs with its remote storage down (an unreachable -remoteWrite.url), so
# it keeps everything in its on-disk queue, as Cistern keeps everything in its spool.
#
# Per receiver and round it reports:
#   accepted/s  samples acknowledged per second (the load generator's clock)
#   sealed/s    Cistern: samples per second until its journal is drained into compressed segments;
#               vmagent: the same as accepted (it compresses on the request path)
#   CPU us/sample  the receiver process's user+sys CPU (/proc/PID/stat, every thread: GC and JIT
#               included) from the start of the load until drained, per sample
#   peak RSS    VmHWM of the receiver process; also the peak of RssAnon, sampled every 100 ms
#   disk B/sample  sealed segment bytes (Cistern, after a clean stop seals what is open) or the
#               persistent queue's bytes (vmagent, after a clean stop flushes it), per sample
# Medians over ROUNDS rounds; receivers are interleaved within each round so load from other
# processes hits all of them alike. Progress and single results go to stderr, the table to stdout.
#
# Needs: Java 17 and Maven (for bin/cistern), vmagent (`apt-get install victoria-metrics`), curl, python3 (a free port).
# The corpus: any Prometheus text exposition (`curl -s host:9100/metrics > node.prom`); the project's benchmarks use
# k8s-node.prom from the shared corpus beside the checkout.
#
# Usage: scripts/bench-vs-vmagent.sh [SAMPLES]
# Environment:
#   RECEIVERS   which to run (default "cistern-default cistern-1 cistern-5 vmagent");
#               cistern-<q> runs the agent at its defaults but spool.quality: <q>, cistern-default at its defaults,
#               cistern-zstd at its defaults but the metrics stream sealed with zstd (levels chosen by spool.quality: auto);
#               a suffix -arrival (cistern-default-arrival, cistern-1-arrival) writes rows in arrival order
#               (spool.series_block_rows: 0) instead of grouped by series
#               (both with ingest.remote_write.max_age: 36500d, for the corpus' fixed timestamps, and no upload);
#               a tag @T (cistern-default@small) runs that receiver with LAUNCHER_T (default bin/cistern: e.g. a copy
#               of bin/cistern, its jvm-memory.sh and an older jar), AGENT_OPTS_T (default AGENT_OPTS) and THREADS_T
#               (ingest.threads, default the config's), for A/B rounds
#   ROUNDS (1), CONNECTIONS (4), SAMPLES_PER_REQUEST (2000), WARMUP (0 samples sent before the clock starts)
#   CORPUS (../shared/corpus/k8s-node.prom), AGENT_OPTS (JAVA_OPTS for the agent; default none: the launcher's own)
#   LOAD_OPTS (JAVA_OPTS for the load generator, default -Xmx6g), KEEP (set: keep the work directory)
#   UPLOAD (set: Cistern ships what it seals as its defaults do, to a file: destination in the work directory, each file
#               verified before it goes; unset: nothing is uploaded, as vmagent's remote storage is down)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source "$root/scripts/bench-lib.sh"

samples="${1:-${SAMPLES:-20000000}}"
receivers="${RECEIVERS:-cistern-default cistern-1 cistern-5 vmagent}"
rounds="${ROUNDS:-1}"
connections="${CONNECTIONS:-4}"
per_request="${SAMPLES_PER_REQUEST:-2000}"
warmup="${WARMUP:-0}"
corpus="${CORPUS:-../shared/corpus/k8s-node.prom}"
load_opts="${LOAD_OPTS:--Xmx6g}"

[ -f "$corpus" ] || { echo "bench-vs-vmagent: corpus $corpus not found; set CORPUS=FILE.prom, any Prometheus text exposition (e.g. curl -s host:9100/metrics > node.prom)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench-vs-vmagent: needs curl (apt-get install curl)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench-vs-vmagent: needs python3 to pick free ports (apt-get install python3)" >&2; exit 1; }
if [[ " $receivers " == *" vmagent "* ]] && ! command -v vmagent >/dev/null; then
  echo "bench-vs-vmagent: vmagent not found; apt-get install victoria-metrics, or leave it out: RECEIVERS='cistern-default cistern-1'" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/cistern-vs-vmagent.XXXXXX")"
# Every process started (receivers, load generators) writes its PID under $work: on any exit, Ctrl-C or TERM they are
# stopped, and waited for, before the work directory goes (a receiver still sealing into it would otherwise keep writing).
cleanup() {
  local f p i
  for f in "$work"/*/pid "$work"/*/load.pid; do [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true; done
  for f in "$work"/*/pid "$work"/*/load.pid; do
    [ -f "$f" ] || continue
    p="$(cat "$f")"
    for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  if [ -n "${KEEP:-}" ] || [ -n "${failed:-}" ]; then echo "bench-vs-vmagent: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { # WHAT DIR: says what failed with the tails of its logs, keeps the work directory
  failed=1
  echo "bench-vs-vmagent: $1" >&2
  local f
  for f in "$2/load.err" "$2/receiver.log"; do [ -s "$f" ] && { echo "--- tail of $f" >&2; tail -n 15 "$f" >&2; }; done
  exit 1
}
bin/cistern --version >/dev/null # builds the jar now, not inside a measurement
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# cpu_ticks PID: user + sys clock ticks of a process, all threads.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
wait_http() { # URL SECONDS PID: until the URL answers, the time is up or the process has exited
  local i
  for i in $(seq 1 $(($2 * 10))); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "bench-vs-vmagent: the receiver exited before $1 answered" >&2; return 1; }
    sleep 0.1
  done
  echo "bench-vs-vmagent: $1 did not answer within $2 s" >&2
  return 1
}
# peak_anon PID OUT: samples RssAnon every 100 ms into OUT (the maximum) until the process ends.
peak_anon() {
  local peak=0 v
  while [ -e "/proc/$1/status" ]; do
    v="$(status_kb "$1" RssAnon 2>/dev/null || echo 0)"
    [ -n "$v" ] && [ "$v" -gt "$peak" ] && { peak="$v"; echo "$peak" >"$2"; }
    sleep 0.1
  done
}

# start_receiver NAME DIR PORT: starts it in the background, prints its PID once it answers.
start_receiver() {
  local name="$1" dir="$2" port="$3"
  mkdir -p "$dir"
  case "$name" in
    vmagent)
      vmagent -remoteWrite.url=http://127.0.0.1:1/api/v1/write -remoteWrite.tmpDataPath="$dir/queue" \
        -httpListenAddr="127.0.0.1:$port" -loggerLevel=ERROR >"$dir/receiver.log" 2>&1 &
      echo $! >"$dir/pid"
      wait_http "http://127.0.0.1:$port/health" 30 "$(cat "$dir/pid")" ;;
    cistern-*)
      local q="${name#cistern-}" spool="" tag="" launcher=bin/cistern opts="${AGENT_OPTS:-}" threads=""
      case "$q" in *@*) tag="${q#*@}"; q="${q%@*}"
        launcher="$(eval echo "\${LAUNCHER_$tag:-bin/cistern}")"; opts="$(eval echo "\${AGENT_OPTS_$tag:-\$opts}")"
        threads="$(eval echo "\${THREADS_$tag:-}")" ;; esac
      case "$q" in *-arrival) q="${q%-arrival}"; spool="  series_block_rows: 0\n" ;; esac
      # Defaults but two: the corpus' timestamps are fixed (2025-11-22), not now's, and nothing is uploaded
      # (vmagent's remote storage is down too) unless UPLOAD is set.
      printf 'ingest:\n  remote_write:\n    max_age: 36500d\n' >"$dir/cistern.yaml"
      [ -z "$threads" ] || printf '  threads: %s\n' "$threads" >>"$dir/cistern.yaml"
      if [ -n "${UPLOAD:-}" ]; then printf 'upload:\n  to: "file:%s/uploads"\n' "$dir" >>"$dir/cistern.yaml"
      else printf 'upload:\n  to: ""\n' >>"$dir/cistern.yaml"; fi
      case "$q" in
        default) ;;
        zstd) printf 'routing:\n  streams:\n    metrics: {codec: zstd}\n' >>"$dir/cistern.yaml" ;;
        *) spool="  quality: $q\n$spool" ;;
      esac
      [ -z "$spool" ] || printf "spool:\n$spool" >>"$dir/cistern.yaml"
      JAVA_OPTS="$opts" "$launcher" run --config "$dir/cistern.yaml" --data "$dir/data" --listen "127.0.0.1:$port" \
        >"$dir/receiver.log" 2>&1 &
      echo $! >"$dir/pid"
      wait_http "http://127.0.0.1:$port/readyz" 120 "$(cat "$dir/pid")" ;;
    *) echo "bench-vs-vmagent: unknown receiver $name (cistern-default, cistern-<quality>, cistern-zstd, each also with -arrival; vmagent)" >&2; return 1 ;;
  esac
}

stop_receiver() { # PID: a clean stop (Cistern seals what is open, vmagent flushes its queue)
  kill -TERM "$1" 2>/dev/null || true
  local i
  for i in $(seq 1 600); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  echo "bench-vs-vmagent: receiver $1 did not stop within 60 s; killed" >&2
  kill -KILL "$1" 2>/dev/null || true
}

disk_bytes() { # NAME DIR
  case "$1" in
    vmagent) du -sb "$2/queue" | cut -f1 ;;
    *) { find "$2/data/sealed" "$2/data/uploaded" -type f \( -name '*.json.br' -o -name '*.json.zst' -o -name '*.json.gz' \) \
         -printf '%s\n' 2>/dev/null || true; } | awk '{ s += $1 } END { print s + 0 }' ;;
  esac
}

results="$work/results.tsv" # name round accepted sealed cpu_us hwm_mb anon_mb disk_b_per_sample
: >"$results"
hz="$(getconf CLK_TCK)"
for r in $(seq 1 "$rounds"); do
  for name in $receivers; do
    dir="$work/$name.$r"
    port="$(free_port)"
    start_receiver "$name" "$dir" "$port" || fail "$name did not start" "$dir"
    pid="$(cat "$dir/pid")"
    peak_anon "$pid" "$dir/anon_kb" &
    if [ "$warmup" -gt 0 ]; then
      JAVA_OPTS="$load_opts" bin/cistern bench ingest --url "http://127.0.0.1:$port" --corpus "$corpus" --samples "$warmup" \
        --connections "$connections" --samples-per-request "$per_request" >/dev/null 2>"$dir/warmup.err"
    fi
    cpu0="$(cpu_ticks "$pid")"
    # The generator encodes its requests first (the receiver idles meanwhile; its idle CPU is counted),
    # then sends, and prints its result once the receiver has drained.
    JAVA_OPTS="$load_opts" bin/cistern bench ingest --url "http://127.0.0.1:$port" \
        --corpus "$corpus" --samples "$samples" --connections "$connections" --samples-per-request "$per_request" \
        >"$dir/load.out" 2>"$dir/load.err" &
    echo $! >"$dir/load.pid"
    wait "$(cat "$dir/load.pid")" || fail "the load generator failed against $name (exit $?)" "$dir"
    rm -f "$dir/load.pid"
    out="$(tail -n 1 "$dir/load.out")"
    [ -e "/proc/$pid/stat" ] || fail "$name exited during the load" "$dir"
    cpu1="$(cpu_ticks "$pid")"
    hwm="$(status_kb "$pid" VmHWM)"
    stop_receiver "$pid"
    rm -f "$dir/pid"
    sleep 0.2
    disk="$(disk_bytes "$name" "$dir")"
    total=$((samples + warmup))
    accepted="$(json_field "$out" samples_per_s_accepted)"
    sealed="$(json_field "$out" samples_per_s_sealed)"
    [ "$name" = vmagent ] && sealed="$accepted"
    anon="$(cat "$dir/anon_kb" 2>/dev/null || echo 0)"
    cpu_us="$(awk -v t=$((cpu1 - cpu0)) -v hz="$hz" -v n="$samples" 'BEGIN { printf "%.3f", t / hz / n * 1e6 }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$r" "$accepted" "$sealed" "$cpu_us" \
      "$(awk -v k="$hwm" 'BEGIN { printf "%.0f", k / 1024 }')" "$(awk -v k="$anon" 'BEGIN { printf "%.0f", k / 1024 }')" \
      "$(awk -v b="$disk" -v n="$total" 'BEGIN { printf "%.2f", b / n }')" >>"$results"
    echo "round $r/$rounds $name: $(tail -n 1 "$results" | tr '\t' ' ') | $out" >&2
    [ -n "${KEEP:-}" ] || rm -rf "$dir/data" "$dir/queue" "$dir/uploads"
  done
done

col() { awk -F'\t' -v n="$1" -v c="$2" '$1 == n { print $c }' "$results" | median; }
echo "## Cistern vs vmagent, same remote_write load"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M') UTC"
echo "- machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), $(free -g | awk '/^Mem:/ { print $2 }') GiB"
echo "- java: $(java -version 2>&1 | head -n 1); vmagent: $(dpkg-query -W -f '${Version}' victoria-metrics 2>/dev/null || echo '?')"
echo "- load: $corpus, $samples samples, $per_request per request, $connections connections, warm-up $warmup samples, medians of $rounds rounds"
echo "- agent JAVA_OPTS: '${AGENT_OPTS:-}' (empty: the launcher's defaults); Cistern uploads: $([ -n "${UPLOAD:-}" ] && echo "to a file: destination" || echo none)"
echo "- load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| receiver | accepted samples/s | sealed samples/s incl. drain | CPU µs per sample | peak RSS MB (VmHWM) | peak anon RSS MB | disk bytes per sample |"
echo "|---|---|---|---|---|---|---|"
for name in $receivers; do
  echo "| $name | $(col "$name" 3) | $(col "$name" 4) | $(col "$name" 5) | $(col "$name" 6) | $(col "$name" 7) | $(col "$name" 8) |"
done
