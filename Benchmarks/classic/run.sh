#!/usr/bin/env bash
# Classic capture against `xmllint --noout` on the same generated Get Deployment, in the same run.
#
#   Benchmarks/classic/run.sh [ROLES] [REWIRE_BINARY] [SCRATCH_PATH]
#
# ROLES defaults to 5000. Without REWIRE_BINARY the release binary is built (scratch path
# SCRATCH_PATH, default .build). Needs xmllint (Debian: apt-get install libxml2-utils).
# Each tool runs 5 times, interleaved; the median and the best wall-clock times, the median user
# CPU time and the peak RSS are printed.
set -euo pipefail

roles=${1:-5000}
rewire=${2:-}
scratch=${3:-.build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

command -v xmllint >/dev/null || { echo "xmllint not found: apt-get install -y libxml2-utils" >&2; exit 69; }
if [ -z "$rewire" ]; then
    (cd "$root" && swift build -c release --scratch-path "$scratch" --product rewire >&2)
    rewire="$(cd "$root" && swift build -c release --scratch-path "$scratch" --show-bin-path)/rewire"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/generate-deployment.py" --roles "$roles" -o "$work/deployment.xml"

python3 - "$rewire" "$work" "$roles" <<'PY'
import os, statistics, subprocess, sys, time

rewire, work, roles = sys.argv[1], sys.argv[2], int(sys.argv[3])
xml = os.path.join(work, "deployment.xml")
commands = {
    "xmllint --noout": ["xmllint", "--noout", xml],
    "rewire capture --format classic": [rewire, "capture", xml, "--format", "classic", "-o", os.path.join(work, "manifest.json")],
}
times = {name: [] for name in commands}
user = {name: [] for name in commands}
rss = {name: 0 for name in commands}
for _ in range(5):
    for name, argv in commands.items():
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = status
        times[name].append(time.perf_counter() - start)
        if status != 0:
            sys.exit(f"{name} failed ({status})")
        user[name].append(usage.ru_utime)
        rss[name] = max(rss[name], usage.ru_maxrss)
size = os.path.getsize(xml)
manifest = os.path.getsize(os.path.join(work, "manifest.json"))
print(f"input: {roles} roles, {size / 1e6:.1f} MB; manifest {manifest / 1e6:.1f} MB")
for name, values in times.items():
    print(
        f"{name:34s} median {statistics.median(values):.3f} s  best {min(values):.3f} s"
        f"  user {statistics.median(user[name]):.2f} s  peak RSS {rss[name] / 1024:.0f} MB")
ratio = statistics.median(times["rewire capture --format classic"]) / statistics.median(times["xmllint --noout"])
print(f"ratio (median capture / median xmllint): {ratio:.2f}x")
PY
