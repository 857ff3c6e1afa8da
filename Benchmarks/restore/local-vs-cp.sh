#!/usr/bin/env bash
# Local vault restore against cp (issue 4): the fake's web-tier estate (4 VMs, 7 disks) with fixed VHDs of
# random data (MIB MiB each + the 512-byte footer), put in a local vault with `rewire vault --disk-images`,
# then, interleaved RUNS times: `rewire restore` of every VM (SHA-256 and footer of every disk verified,
# fsynced) and `cp` of the same VHD files followed by `sync FILES` (fsync of
# each copy, as rewire fsyncs each disk), alternating which goes first. Prints each run and the medians.
#
#   Benchmarks/restore/local-vs-cp.sh [MIB=192] [RUNS=5] [REWIRE]
#
# The page cache cannot be dropped here (no privileges): every run reads the vault from a warm cache
# (the files were just written, and RAM holds them); both sides see the same conditions.
set -euo pipefail
MIB=${1:-192}
RUNS=${2:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REWIRE=${3:-}
FAKE=${FAKEAZURE:-$ROOT/../shared/tools/fakeazure}
[ -d "$FAKE" ] || FAKE=/work/shared/tools/fakeazure
if [ -z "$REWIRE" ]; then
  (cd "$ROOT" && swift build -c release --scratch-path .build-bench --product rewire >&2)
  REWIRE="$ROOT/.build-bench/release/rewire"
fi
WORK=$(mktemp -d /tmp/rewire-local-vs-cp.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["resources"], open("resources.json", "w"))' \
  "$FAKE/seeds/web-tier.json"
"$REWIRE" capture resources.json -o manifest.json >&2

# Fixed VHDs with the right names and footers: generate sparse ones, then fill the data part with random
# bytes (the footer, the last 512 bytes, is left as written: its checksum covers only the footer).
"$REWIRE" vault manifest.json --vault gen --generate-disks --disk-size-mib "$MIB" --time 2025-11-20T02:01:14Z >&2
mkdir images
for f in gen/*/*/*.vhd; do
  cp --sparse=always "$f" images/
  dd if=/dev/urandom of="images/$(basename "$f")" bs=1M count="$MIB" conv=notrunc status=none
done
"$REWIRE" vault manifest.json --vault vault --disk-images images --time 2025-11-20T02:01:14Z >&2
rm -rf gen images
BYTES=$(cat vault/*/*/*.vhd | wc -c)
COUNT=$(ls vault/*/*/*.vhd | wc -l)
echo "machine: $(nproc) vCPU, $(uname -sr), $(df -T . | awk 'NR==2 {print $2}') at $WORK; rewire $REWIRE"
echo "data: $COUNT fixed VHDs, $BYTES bytes ($(awk -v b="$BYTES" 'BEGIN { printf "%.2f", b / 2^30 }') GiB), random content"

now() { date +%s.%N; }
restore_times=() cp_times=()
time_restore() {
  t0=$(now)
  "$REWIRE" restore manifest.json --vault vault --recovery-point latest -o out/restored.json \
    --target-folder out/disks --concurrency 4 > /dev/null
  t1=$(now)
}
time_cp() {
  mkdir cpdst
  t2=$(now)
  cp vault/*/*/*.vhd cpdst/ && sync cpdst/*.vhd   # fsync of the copied files, as rewire does
  t3=$(now)
}
for run in $(seq 1 "$RUNS"); do
  rm -rf out cpdst; sync
  # Alternate which goes first, so neither always runs right after the other's writes.
  if [ $((run % 2)) = 1 ]; then time_restore; time_cp; else time_cp; time_restore; fi
  r=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  c=$(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.3f", b - a }')
  # Both copies must be the vault's bytes.
  cmp -s <(cat out/disks/*/*/*.vhd | sha256sum) <(cat cpdst/*.vhd | sha256sum) || { echo "copies differ"; exit 1; }
  echo "run $run: rewire restore $r s, cp + sync $c s"
  restore_times+=("$r") cp_times+=("$c")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
mr=$(median "${restore_times[@]}") mc=$(median "${cp_times[@]}")
awk -v r="$mr" -v c="$mc" -v b="$BYTES" 'BEGIN {
  printf "median: rewire restore %.3f s (%.0f MiB/s), cp + sync %.3f s (%.0f MiB/s); restore throughput = %.2fx cp\n",
    r, b / r / 2^20, c, b / c / 2^20, c / r }'
