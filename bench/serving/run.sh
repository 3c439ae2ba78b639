#!/bin/bash
# The serving bench, in one command (see README.md):
#   bench/serving/run.sh [BUILD_DIR]          (default: build; needs tandem and
#                                              bench/serving/serving_inprocess_bench built)
# Settings (environment): BENCH_SECONDS per measurement (5), FASTAPI_WORKERS (1),
# CANCER_FLAGS / MLP_FLAGS (the replicas' flags, below).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
SECONDS_EACH=${BENCH_SECONDS:-5}
FASTAPI_WORKERS=${FASTAPI_WORKERS:-1}
# Batching with no added delay: a batch is what queued while the previous one ran, so
# a lone request is not held back and a busy replica batches by itself.
CANCER_FLAGS=${CANCER_FLAGS:---threads 2 --batch-max 64 --batch-delay-us 0}
MLP_FLAGS=${MLP_FLAGS:---threads 1 --batch-max 64 --batch-delay-us 0}
MLP_BATCH=64
PY=/usr/bin/python3
# `tandem replica`, or the serving tests' replica binary (same flags, same code) when
# only the serving targets are built.
if [[ -x $BUILD/tandem ]]; then
  REPLICA=("$BUILD/tandem" replica)
else
  REPLICA=("$BUILD/src/serving/serving_test_replica")
fi
INPROCESS=$BUILD/bench/serving/serving_inprocess_bench
for exe in "${REPLICA[0]}" "$INPROCESS"; do
  [[ -x $exe ]] || { echo "missing $exe: build it first (cmake --build $BUILD)" >&2; exit 1; }
done
command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/tandem-serving-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for_infer() {  # URL BODY: until the server answers 200
  for _ in $(seq 1 300); do
    if curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary "@$2" "$1"; then return 0; fi
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}

start_replica() {  # VAR NAME MODEL META FLAGS...: sets VAR to the infer URL
  local var=$1 name=$2 model=$3 meta=$4
  shift 4
  "${REPLICA[@]}" --name "$name" --version 1 --model-file "$model" --meta-file "$meta" \
    --host 127.0.0.1 --port 0 --port-file "$WORK/$name.port" "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 600); do [[ -s $WORK/$name.port ]] && break; sleep 0.1; done
  [[ -s $WORK/$name.port ]] || { cat "$WORK/$name.log" >&2; exit 1; }
  printf -v "$var" 'http://127.0.0.1:%s/v2/models/%s/infer' "$(tr -d '\n' < "$WORK/$name.port")" "$name"
}

ROWS=()  # "target|conns|req/s|p50 ms|p99 ms|errors"
measure() {  # LABEL URL BODY CONNS
  local threads=$(($4 < 2 ? 1 : 2)) out
  out=$(BODY_FILE=$3 wrk -t"$threads" -c"$4" -d"${SECONDS_EACH}s" --latency \
          -s "$ROOT/bench/serving/post.lua" "$2")
  ROWS+=("$1|$4|$(awk -f "$ROOT/bench/serving/wrk_summary.awk" <<< "$out")")
}

echo "building the models (python3-xgboost, python3-torch) ..." >&2
$PY "$ROOT/bench/serving/make_models.py" "$WORK"

start_replica CANCER_URL cancer "$WORK/cancer.json" "$WORK/cancer.meta.json" $CANCER_FLAGS
start_replica MLP_URL mlp "$WORK/mlp.pt" "$WORK/mlp.meta.json" $MLP_FLAGS
FASTAPI_PORT=$(free_port)
(cd "$ROOT/bench/serving" && TANDEM_BENCH_MODEL=$WORK/cancer.json exec $PY -m uvicorn fastapi_app:app \
   --host 127.0.0.1 --port "$FASTAPI_PORT" --workers "$FASTAPI_WORKERS" --log-level warning \
   > "$WORK/fastapi.log" 2>&1) &
PIDS+=($!)
FASTAPI_URL=http://127.0.0.1:$FASTAPI_PORT/v2/models/cancer/infer
wait_for_infer "$CANCER_URL" "$WORK/cancer_row.json"
wait_for_infer "$MLP_URL" "$WORK/mlp_row.json"
wait_for_infer "$FASTAPI_URL" "$WORK/cancer_row.json"

# The same answer from both servers before timing them.
$PY - "$WORK" "$CANCER_URL" "$FASTAPI_URL" << 'EOF'
import json, sys, urllib.request
work, urls = sys.argv[1], sys.argv[2:]
body = open(work + "/cancer_row.json", "rb").read()
want = json.load(open(work + "/expected.json"))["cancer"]
for url in urls:
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    got = json.load(urllib.request.urlopen(req))["outputs"][0]["data"][1]
    assert abs(got - want) < 1e-6, (url, got, want)
EOF

echo "measuring ${SECONDS_EACH}s each ..." >&2
for conns in 1 16 64; do
  measure "Tandem replica, XGBoost" "$CANCER_URL" "$WORK/cancer_row.json" $conns
  measure "FastAPI+uvicorn, XGBoost" "$FASTAPI_URL" "$WORK/cancer_row.json" $conns
done
measure "Tandem replica, TorchScript MLP, batching" "$MLP_URL" "$WORK/mlp_row.json" 64

inprocess() {  # LABEL MODEL META BODY ROWS
  local j
  j=$("$INPROCESS" "$2" "$3" "$4" "$5" "$SECONDS_EACH" 1)
  ROWS+=("$1|-|$($PY -c 'import json,sys; j=json.loads(sys.argv[1]); print("%.0f|%.3f|%.3f|0" % (j["rows_per_s"], j["p50_us"]/1e3, j["p99_us"]/1e3))' "$j")")
}
inprocess "in-process XGBoost, 1 row a call (ceiling)" "$WORK/cancer.json" "$WORK/cancer.meta.json" "$WORK/cancer_row.json" 1
inprocess "in-process TorchScript MLP, $MLP_BATCH rows a call" "$WORK/mlp.pt" "$WORK/mlp.meta.json" "$WORK/mlp_row.json" $MLP_BATCH

echo
echo "| target | connections | requests/s (rows/s in process) | p50 ms | p99 ms | errors |"
echo "| --- | --- | --- | --- | --- | --- |"
for row in "${ROWS[@]}"; do echo "| ${row//|/ | } |"; done
echo
$PY - "${ROWS[@]}" << 'EOF'
import sys
rows = [r.split("|") for r in sys.argv[1:]]
def get(label, conns):
    return next(r for r in rows if r[0].startswith(label) and r[1] == conns)
tandem, fastapi = get("Tandem replica, XGBoost", "64"), get("FastAPI", "64")
mlp, ceiling = get("Tandem replica, TorchScript", "64"), get("in-process TorchScript", "-")
speedup = float(tandem[2]) / float(fastapi[2])
share = float(mlp[2]) / float(ceiling[2])
print("XGBoost at 64 connections: %.1fx FastAPI's throughput (target >= 10x), p99 %s ms vs %s ms"
      " (target: lower) -> %s" % (speedup, tandem[4], fastapi[4],
      "met" if speedup >= 10 and float(tandem[4]) < float(fastapi[4]) else "NOT met"))
print("TorchScript MLP batched at 64 connections: %.0f%% of the in-process batched rate"
      " (target >= 50%%) -> %s" % (100 * share, "met" if share >= 0.5 else "NOT met"))
EOF
