# Helpers shared by the benchmark scripts; source it, do not run it.

# nicely CMD...: runs CMD at the NICE priority, when one is given.
nicely() { if [ -n "${NICE:-}" ]; then nice -n "$NICE" "$@"; else "$@"; fi; }
# json_field JSON NAME: a numeric field of a bench command's one-line JSON result.
json_field() { sed -n "s/.*\"$2\":\([-0-9.eE]*\).*/\1/p" <<<"$1"; }
# median: of the numbers on stdin, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
