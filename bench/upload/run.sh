#!/bin/bash
# Peak memory of a dataset import: the CLI and the server, for a CSV of about MB
# megabytes made from sklearn's breast-cancer rows repeated (never committed).
#   bench/upload/run.sh [TANDEM_BINARY] [MB]     (defaults: build/tandem 250)
set -euo pipefail
BIN=$(realpath "${1:-build/tandem}")
MB=${2:-250}
SRC=/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv
WORK=$(mktemp -d /tmp/tandem-upload-bench-XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A plain CSV (header row, then the 569 rows over and over) of at least MB megabytes.
python3 - "$SRC" "$WORK/big.csv" "$MB" <<'PY'
import sys
src, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = open(src).read().splitlines()[1:]
block = ("\n".join(rows) + "\n").encode()
with open(out, "wb") as f:
    f.write((",".join(f"f{i}" for i in range(1, 31)) + ",target\n").encode())
    while f.tell() < mb * 1_000_000:
        f.write(block)
PY
SIZE=$(stat -c %s "$WORK/big.csv")

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
/usr/bin/time -v -o "$WORK/server.time" "$BIN" server --data-dir "$WORK/data" \
  --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
TIME_PID=$!
for _ in $(seq 100); do
  "$BIN" --server "$URL" dataset list >/dev/null 2>&1 && break
  sleep 0.2
done
SERVER_PID=$(pgrep -P "$TIME_PID")

START=$(date +%s.%N)
/usr/bin/time -v -o "$WORK/cli.time" "$BIN" --server "$URL" dataset import big "$WORK/big.csv"
END=$(date +%s.%N)
# The stored table back through GET /api/v1/artifacts/{digest} (streamed from disk).
DIGEST=$("$BIN" --server "$URL" dataset show big | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
DOWNLOAD=$(curl -s -o "$WORK/back.csv" -w '%{time_total}' "$URL/api/v1/artifacts/$DIGEST")
BACK_SUM=$(sha256sum "$WORK/back.csv" | cut -d' ' -f1)
kill "$SERVER_PID"
wait "$TIME_PID" || true
SERVER_PID=""

rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }
printf 'file            %d bytes (%.0f MB)\n' "$SIZE" "$(echo "$SIZE / 1000000" | bc -l)"
printf 'import          %.1f s\n' "$(echo "$END - $START" | bc -l)"
printf 'download        %.1f s (%s)\n' "$DOWNLOAD" "$([ "$BACK_SUM" = "$DIGEST" ] && echo "digest ok" || echo "DIGEST MISMATCH")"
printf 'cli peak RSS    %s MiB\n' "$(rss "$WORK/cli.time")"
printf 'server peak RSS %s MiB\n' "$(rss "$WORK/server.time")"
