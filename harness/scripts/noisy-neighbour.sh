#!/usr/bin/env bash
# The noisy-neighbour bench: runs the reference scenarios once on a quiet machine, then RUNS
# times beside a CPU hog (two busy-loop processes) and an I/O hog (a loop writing and fsyncing
# 128MB), and checks that the verdicts hold on a busy runner: every busy run exits 0 or 3
# (never 1 or 2), gives the same verdict per scenario in every run, and no scenario fails that
# passes on the quiet machine. Prints a table of verdicts and, per run, the migrations'
# server-side and wall times and the write-slowdown ratios against their control tables.
# The hogs are started here and ended by their process ids, also on Ctrl-C.
#
#   harness/scripts/noisy-neighbour.sh [RUNS] [BACKEND] [SCENARIOS]     (default: 5 local scenarios)
#   make noisy
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
BACKEND=${2:-local}
SCENARIOS=${3:-scenarios}
OUT=${NOISY_DIR:-target/noisy}
mkdir -p "$OUT"

cargo build --quiet -p planproof
BIN=target/debug/planproof

hogs=()
stop_hogs() {
    for pid in "${hogs[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    hogs=()
    rm -f "$OUT/io-hog.bin"
}
trap stop_hogs EXIT
trap 'stop_hogs; exit 130' INT TERM

start_hogs() {
    for _ in 1 2; do
        sh -c 'while :; do :; done' &
        hogs+=($!)
    done
    # The I/O hog ends its current dd when told to stop, then itself.
    bash -c 'trap "kill \$dd 2>/dev/null; exit 0" TERM
             while :; do dd if=/dev/zero of="$0" bs=1M count=128 conv=fsync status=none & dd=$!; wait $dd; done' \
        "$OUT/io-hog.bin" &
    hogs+=($!)
    echo "noisy: hogs running: ${hogs[*]}"
}

# One run: its exit status, then a line per scenario (verdict, figures).
run_once() {
    local label=$1 dir="$OUT/$1" status=0
    mkdir -p "$dir"
    "$BIN" run "$SCENARIOS" --backend "$BACKEND" --report-dir "$dir" >"$dir/output.txt" 2>&1 || status=$?
    echo "$status" >"$dir/status"
    echo "noisy: $label exit $status"
}

summarise() {
    python3 - "$OUT" quiet "$@" <<'PY'
import json, os, sys
out, labels = sys.argv[1], sys.argv[2:]
runs = {}
for label in labels:
    path = os.path.join(out, label, "results.json")
    status = open(os.path.join(out, label, "status")).read().strip()
    doc = json.load(open(path)) if os.path.exists(path) else {"scenarios": []}
    runs[label] = (status, {s["name"]: s for s in doc["scenarios"]})
names = sorted({n for _, r in runs.values() for n in r})
print("\nscenario".ljust(34) + "".join(l.ljust(14) for l in labels))
for n in names:
    print(n.ljust(33) + "".join(runs[l][1].get(n, {}).get("outcome", "-").ljust(14) for l in labels))
print("exit status".ljust(33) + "".join(runs[l][0].ljust(14) for l in labels))
print("\nmigration times (server-side / wall / tool start-up, ms; calibration slowness)")
for n in names:
    cells = []
    for l in labels:
        m = (runs[l][1].get(n) or {}).get("migration") or {}
        if m.get("duration-ms") is None:
            cells.append("-")
            continue
        cal = m.get("calibration") or {}
        slow = cal["max"] / cal["min"] if cal.get("min") else 1.0
        start = m.get("startup-ms")
        cells.append("%.0f/%.0f/%s x%.1f" % (m.get("server-ms") or 0, m["duration-ms"], "-" if start is None else "%.0f" % start, slow))
    print(n.ljust(33) + "  ".join(cells))
print("\nwrite slowdown over the control table")
for n in names:
    for l in labels:
        load = (runs[l][1].get(n) or {}).get("load") or {}
        for b in load.get("budgets", []):
            if b["check"] == "write-slowdown":
                print("  %s %s: %s: %s — %s" % (l, n, b["budget"], b["measured"], b["verdict"]))
busy = labels[1:]
problems = []
for l in busy:
    if runs[l][0] not in ("0", "3"):
        problems.append("%s exited %s" % (l, runs[l][0]))
for n in names:
    seen = {runs[l][1].get(n, {}).get("outcome") for l in busy}
    if len(seen) > 1:
        problems.append("%s: verdicts differ between busy runs: %s" % (n, sorted(map(str, seen))))
    quiet = runs["quiet"][1].get(n, {}).get("outcome")
    for l in busy:
        if quiet == "passed" and runs[l][1].get(n, {}).get("outcome") == "failed":
            problems.append("%s: failed in %s, passed on the quiet machine" % (n, l))
print()
for p in problems:
    print("noisy: PROBLEM:", p)
print("noisy: %s" % ("verdicts hold beside the hogs" if not problems else "%d problems" % len(problems)))
sys.exit(1 if problems else 0)
PY
}

if [ -z "${NOISY_SKIP_QUIET:-}" ]; then
    run_once quiet
fi
start_hogs
labels=()
for i in $(seq 1 "$RUNS"); do
    run_once "busy-$i"
    labels+=("busy-$i")
done
stop_hogs
summarise "${labels[@]}"
