#!/usr/bin/env bash
# Capture of a generated ARM estate against `jq -c .` over the same files, in the same run, and
# script generation at two sizes (to see that its cost is linear).
#
#   Benchmarks/estate/run.sh [VMS] [REWIRE_BINARY]
#
# VMS defaults to 10000 (script generation is measured at VMS/10 and VMS). Without REWIRE_BINARY
# the release binary is built. Each capture and jq run is repeated 3 times, interleaved; the
# median wall time, user CPU time and peak resident memory (GNU time) are printed.
set -euo pipefail

vms=${1:-10000}
rewire=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

command -v jq >/dev/null || { echo "jq not found: apt-get install -y jq" >&2; exit 69; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install -y time" >&2; exit 69; }
if [ -z "$rewire" ]; then
    (cd "$root" && swift build -c release --product rewire >&2)
    rewire="$(cd "$root" && swift build -c release --show-bin-path)/rewire"
fi
(cd "$here" && swift build -c release >&2)
generator="$(cd "$here" && swift build -c release --show-bin-path)/estate-gen"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
small=$((vms / 10))
"$generator" "$vms" "$work/estate" >&2
"$generator" "$small" "$work/estate-small" >&2
input_bytes=$(cat "$work"/estate/*.json | wc -c)

measure() {  # label, command...: prints "label wall user maxrss_kb"
    local label=$1
    shift
    /usr/bin/time -f "$label %e %U %M" -o "$work/time.txt" "$@" >/dev/null
    cat "$work/time.txt"
}

for round in 1 2 3; do
    measure capture "$rewire" capture "$work/estate" -o "$work/manifest.json"
    measure jq sh -c "jq -c . \"$work\"/estate/*.json"
done >"$work/runs.txt"
"$rewire" capture "$work/estate-small" -o "$work/manifest-small.json" >/dev/null
for round in 1 2 3; do
    measure "script-$small" "$rewire" script "$work/manifest-small.json" -o "$work/out-small"
    measure "script-$vms" "$rewire" script "$work/manifest.json" -o "$work/out"
done >>"$work/runs.txt"

echo "input: $vms VMs, $input_bytes bytes in $(ls "$work"/estate | wc -l) files"
printf '%-15s %12s %12s %10s\n' label median-wall median-user peak-rss
for label in $(cut -d' ' -f1 "$work/runs.txt" | sort -u); do
    runs=$(grep "^$label " "$work/runs.txt")
    count=$(echo "$runs" | wc -l)
    middle=$(((count + 1) / 2))
    wall=$(echo "$runs" | cut -d' ' -f2 | sort -n | sed -n "${middle}p")
    user=$(echo "$runs" | cut -d' ' -f3 | sort -n | sed -n "${middle}p")
    rss=$(echo "$runs" | cut -d' ' -f4 | sort -n | tail -1)
    printf '%-15s %10s s %10s s %7d MB\n' "$label" "$wall" "$user" $((rss / 1024))
done
peak=$(grep '^capture ' "$work/runs.txt" | cut -d' ' -f4 | sort -n | tail -1)
awk -v peak="$peak" -v bytes="$input_bytes" 'BEGIN { printf "capture peak memory / input bytes: %.2fx\n", peak * 1024 / bytes }' 
