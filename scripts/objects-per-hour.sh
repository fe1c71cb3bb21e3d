#!/usr/bin/env bash
# How many objects an agent with CONFIG ships per hour at a steady remote_write load: runs the agent
# (uploads off, a fresh data dir), sends RATE samples/s from the corpus in 10 s batches for MINUTES,
# then counts the sealed files per stream and scales to an hour. Needs a built cli/target/cistern.jar.
#
# Usage: scripts/objects-per-hour.sh CONFIG [RATE] [MINUTES]   (defaults: 5000 samples/s, 4 minutes)
# Environment: CORPUS (../shared/corpus/k8s-node.prom), PORT (19470).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
config="$1"
rate="${2:-5000}"
minutes="${3:-4}"
corpus="${CORPUS:-../shared/corpus/k8s-node.prom}"
port="${PORT:-19470}"
jar=${JAR:-cli/target/cistern.jar}
[ -f "$jar" ] || { echo "objects-per-hour: build first (mvn -B -q package -DskipTests)" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/cistern-objects.XXXXXX")"
flags=(--add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true)
# the corpus carries fixed 2025 timestamps: widen the accepted window
CISTERN_UPLOAD__TO="" CISTERN_INGEST__REMOTE_WRITE__MAX_AGE=36500d java "${flags[@]}" -jar "$jar" run --config "$config" --data "$work/data" \
  --listen "127.0.0.1:$port" > "$work/agent.log" 2>&1 &
agent=$!
trap 'kill $agent 2>/dev/null; wait $agent 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do grep -q "listening on" "$work/agent.log" && break; sleep 0.5; done
end=$(( $(date +%s) + minutes * 60 ))
while [ "$(date +%s)" -lt "$end" ]; do
  start=$(date +%s)
  java "${flags[@]}" -jar "$jar" bench ingest --url "http://127.0.0.1:$port" --corpus "$corpus" \
    --samples $((rate * 10)) --connections 1 > /dev/null 2>&1 || true
  sleep $(( 10 - ($(date +%s) - start) > 0 ? 10 - ($(date +%s) - start) : 0 ))
done
echo "config $config, $rate samples/s for $minutes min ($(date -u +%Y-%m-%d), $(nproc) cores):"
for s in "$work/data/sealed"/*/; do
  [ -d "$s" ] || continue
  n=$(find "$s" -type f -name '*.json.*' | wc -l)
  bytes=$(find "$s" -type f -name '*.json.*' -printf '%s\n' | awk '{t+=$1} END {print t+0}')
  echo "  stream $(basename "$s"): $n objects, $(( n * 60 / minutes )) per hour, mean $(( n > 0 ? bytes / n / 1024 : 0 )) KiB"
done
