#!/usr/bin/env bash
# The storage bench: how much a 7-node pipeline over a ~240 MB CSV grows the data dir,
# as a ratio to the CSV's size. See README.md.
#   bench/storage/run.sh [BUILD_DIR]
# Env: TARGET_MB (240), BEFORE_BIN (a tandem binary to weigh in the same run, e.g. one
# built from before TTB1 tables), KEEP=1 keeps the work folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
work=$(mktemp -d /tmp/tandem-storage-XXXXXX)
[[ "${KEEP:-0}" == 1 ]] || trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3

$py "$here/make_csv.py" "$work/fair.csv" "${TARGET_MB:-240}"
input=$(stat -c %s "$work/fair.csv")

# weigh NAME BINARY: a fresh server on an empty data dir, the import, the pipeline,
# then the data dir's growth (du counts a hard-linked file once).
weigh() {
  local name=$1 bin=$2 data="$work/$1" port pid
  mkdir -p "$data"
  port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin" server --data-dir "$data" --listen "127.0.0.1:$port" > "$work/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.2; done
  local base t0 t1 t2 after
  base=$(du -s -B1 "$data" | cut -f1)
  t0=$(date +%s.%N)
  "$bin" --server "http://127.0.0.1:$port" dataset import fair "$work/fair.csv" --label affair > /dev/null
  t1=$(date +%s.%N)
  "$bin" --server "http://127.0.0.1:$port" run --wait "$here/pipeline.yaml" > "$work/$name.run" 2>&1 ||
    { echo "$name: the pipeline failed:"; tail -20 "$work/$name.run"; kill "$pid"; return 1; }
  t2=$(date +%s.%N)
  kill "$pid"; wait "$pid" 2> /dev/null || true
  after=$(du -s -B1 "$data" | cut -f1)
  $py - "$name" "$input" "$base" "$after" "$t0" "$t1" "$t2" "$data" <<'PY'
import os, sys
name, size, base, after, t0, t1, t2, data = sys.argv[1:]
size, growth = int(size), int(after) - int(base)
arts = os.path.join(data, "artifacts")
tables = []
for root, _, files in os.walk(arts):
    for f in files:
        p = os.path.join(root, f)
        with open(p, "rb") as fh:
            head = fh.read(4)
        tables.append((os.path.getsize(p), "TTB1" if head == b"TTB1" else "other"))
print("%-8s data dir +%7.1f MB = %.2fx the input   import %5.1f s, pipeline %5.1f s   artifacts: %d files, %.1f MB"
      % (name, growth / 1e6, growth / size, float(t1) - float(t0), float(t2) - float(t1),
         len(tables), sum(s for s, _ in tables) / 1e6))
PY
}

echo "input: $work/fair.csv, $(( input / 1000000 )) MB"
weigh ttb1 "$build/tandem"
if [[ -n "${BEFORE_BIN:-}" ]]; then weigh before "$BEFORE_BIN"; fi
echo "target: the data dir grows by at most 2x the input"
