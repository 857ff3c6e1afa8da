#!/usr/bin/env bash
# Restore benchmark against the fake Azure Recovery Services vault (issue 4):
# N VMs restored with `rewire restore` at concurrency C, compressed job time; makespan against the ideal
# schedule ceil(N / C) x job time, once clean and once with 10 % of ARM and blob calls answered 429.
#
#   Benchmarks/restore/run.sh [VMS=100] [CONCURRENCY=20] [JOB_SECONDS=20] [POLL_INTERVAL=0.5] [REWIRE]
#
# Job time in real seconds = --restore-duration x --time-scale (the fake starts the job at the trigger).
# The trigger's operation (operationsStatus) runs alongside the job: it lasts --operation-duration x
# --time-scale = 0.3 s here, and rewire waits the 202's Retry-After (1 s, the fake's minimum) before its
# first poll; both lie inside the job time, so the ideal schedule counts only the job.
set -euo pipefail
VMS=${1:-100}
CONCURRENCY=${2:-20}
JOB_SECONDS=${3:-20}
POLL=${4:-0.5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REWIRE=${5:-}
FAKE=${FAKEAZURE:-$ROOT/../shared/tools/fakeazure}
[ -d "$FAKE" ] || FAKE=/work/shared/tools/fakeazure
TIME_SCALE=0.01
RESTORE_DURATION=$(awk -v j="$JOB_SECONDS" -v t="$TIME_SCALE" 'BEGIN { printf "%g", j / t }')
OPERATION_DURATION=30   # simulated seconds: 0.3 s real

if [ -z "$REWIRE" ]; then
  (cd "$ROOT" && swift build -c release --scratch-path .build-bench --product rewire >&2)
  REWIRE="$ROOT/.build-bench/release/rewire"
fi
WORK=$(mktemp -d /tmp/rewire-restore-bench.XXXXXX)
echo "work folder: $WORK" >&2

# The seed (N protected VMs) and the manifest, captured from the seed's resources as files.
swift build -c release --package-path "$ROOT/Benchmarks/estate" --product restore-seed >&2
"$ROOT/Benchmarks/estate/.build/release/restore-seed" "$VMS" > "$WORK/seed.json"
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["resources"], open(sys.argv[2], "w"))' \
  "$WORK/seed.json" "$WORK/resources.json"
"$REWIRE" capture "$WORK/resources.json" -o "$WORK/manifest.json" >&2

S=/subscriptions/3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53
VAULT=$S/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod-weu
STAGING=$S/resourceGroups/rg-backup/providers/Microsoft.Storage/storageAccounts/stwebrestore01
TARGET=$S/resourceGroups/rg-restore
export AZURE_TENANT_ID=8a1d2f3e-4b5c-4d6e-9f70-81a2b3c4d5e6
export AZURE_CLIENT_ID=5e2d9c41-0b7a-4c3e-8f61-9a2b4c6d8e10
export AZURE_CLIENT_SECRET=fakeazure-client-secret

FAKE_PID=
cleanup() { [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null || true; }
trap cleanup EXIT

# run LABEL [FAULT SPEC]
run() {
  local label=$1 faults=${2:-}
  local out="$WORK/$label"
  mkdir -p "$out"
  local args=(--port 0 --seed "$WORK/seed.json" --time-scale "$TIME_SCALE" --restore-duration "$RESTORE_DURATION"
    --operation-duration "$OPERATION_DURATION" --retry-after 1 --blob-uri-style local --fault-seed 42)
  [ -n "$faults" ] && args+=(--faults "$faults")
  python3 "$FAKE/server.py" "${args[@]}" > "$out/fake.out" 2> "$out/fake.err" &
  FAKE_PID=$!
  until grep -q '^listening on ' "$out/fake.out"; do sleep 0.05; done
  local base; base=$(sed -n 's/^listening on //p' "$out/fake.out")
  export AZURE_RESOURCE_MANAGER_ENDPOINT=$base AZURE_AUTHORITY_HOST=$base
  local start end status=0
  start=$(date +%s.%N)
  "$REWIRE" restore "$WORK/manifest.json" --vault "$VAULT" --staging-storage-account "$STAGING" \
    --target-resource-group "$TARGET" --recovery-point latest --concurrency "$CONCURRENCY" \
    --poll-interval "$POLL" -o "$out/restored.json" > "$out/rewire.out" 2> "$out/rewire.err" || status=$?
  end=$(date +%s.%N)
  curl -s "$base/_fake/requests" > "$out/requests.json"
  curl -s "$base/_fake/state" > "$out/state.json"
  curl -s "$base/_fake/faults" > "$out/faults.json"
  kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null || true; FAKE_PID=
  python3 - "$out" "$label" "$status" "$start" "$end" "$VMS" "$CONCURRENCY" "$JOB_SECONDS" "$POLL" <<'PY'
import json, math, sys, re, collections
from datetime import datetime
out, label, status, start, end, vms, c, job, poll = sys.argv[1:]
start, end, vms, c, job = float(start), float(end), int(vms), int(c), float(job)
reqs = json.load(open(f"{out}/requests.json"))["requests"]
state = json.load(open(f"{out}/state.json"))
restored = json.load(open(f"{out}/restored.json"))
done = sum(1 for v in restored["virtualMachines"] if v.get("status") == "done")
accepted = [v.get("accepted", 0) for v in state.get("restoreTriggersByVm", {}).values()]
ts = lambda q: datetime.fromisoformat(q["time"].replace("Z", "+00:00")).timestamp()
makespan = end - start
ideal = math.ceil(vms / c) * job
throttled = sum(1 for q in reqs if q["status"] == 429)
# Where the time goes: per VM, trigger -> job end (trigger + job time) -> last request naming the VM.
per_vm = collections.defaultdict(list)
for q in reqs:
    m = re.search(r"app\d{3}", q["path"])
    if m: per_vm[m.group(0)].append(q)
trig = {vm: min(ts(q) for q in qs if q["method"] == "POST" and q["path"].endswith("/restore") and q["status"] == 202)
        for vm, qs in per_vm.items() if any(q["method"] == "POST" and q["status"] == 202 for q in qs)}
last = {vm: max(ts(q) for q in qs) for vm, qs in per_vm.items()}
tail = sorted(last[vm] - (trig[vm] + job) for vm in trig)
first_trigger = min(trig.values()) - start
med = tail[len(tail) // 2]
print(f"{label}: status {status}, {done}/{vms} VMs done, triggers accepted per VM: "
      f"min {min(accepted)} max {max(accepted)}, {len(reqs)} requests, {throttled} answered 429")
print(f"{label}: makespan {makespan:.2f} s, ideal ceil({vms}/{c}) x {job:g} s = {ideal:g} s, ratio {makespan / ideal:.3f}")
print(f"{label}: start -> first trigger {first_trigger:.2f} s; per VM, job end -> its last request "
      f"(poll lag + disk/config reads): median {med:.2f} s, max {tail[-1]:.2f} s")
PY
}

echo "machine: $(nproc) vCPU, $(uname -sr); rewire $REWIRE" >&2
run clean
run throttled "429:p=0.1,retry_after=1,scope=arm+blob"
