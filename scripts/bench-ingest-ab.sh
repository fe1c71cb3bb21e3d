#!/usr/bin/env bash
# Two builds of cistern.jar side by side in `bench ingest`, interleaved, the order alternating by round,
# so load from other processes hits both alike. Each run's JSON line goes to stdout, tagged A or B.
#
# Usage: scripts/bench-ingest-ab.sh JAR_A JAR_B
# Environment: ROUNDS (3), SAMPLES (3000000), WARMUP (2000000), CONNECTIONS (4), QUALITY (1),
#              CORPUS (../shared/corpus/k8s-node.prom).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
a="$1"
b="$2"
corpus="${CORPUS:-../shared/corpus/k8s-node.prom}"
[ -f "$corpus" ] || { echo "bench-ingest-ab: corpus $corpus not found; set CORPUS=FILE.prom" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/cistern-ingest-ab.XXXXXX")"
trap 'rm -rf "$work"' EXIT

run() {
  java --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
    --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true \
    -jar "$1" bench ingest --corpus "$corpus" --samples "${SAMPLES:-3000000}" --connections "${CONNECTIONS:-4}" \
    --quality "${QUALITY:-1}" --warmup-samples "${WARMUP:-2000000}" --data "$work" 2>/dev/null | tail -n 1
}

for r in $(seq 1 "${ROUNDS:-3}"); do
  if [ $((r % 2)) -eq 1 ]; then order="A B"; else order="B A"; fi
  for v in $order; do
    rm -rf "${work:?}"/*
    jar="$a"; [ "$v" = B ] && jar="$b"
    echo "$(date -u +%H:%M:%S) round $r $v load $(cut -d' ' -f1 /proc/loadavg) $(run "$jar")"
  done
done
