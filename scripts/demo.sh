#!/usr/bin/env bash
# `make demo`: the platform's main job on one machine with the embedded defaults.
# Starts the server on an empty data dir, imports the breast-cancer data set, runs the
# cancer-gbdt pipeline, deploys the model, sends it real rows, prints the evaluation
# metrics, a prediction and the URLs, and leaves the server running until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

TANDEM=build/tandem
DATA_DIR=${TANDEM_DEMO_DATA:-demo-data}
PORT=${TANDEM_DEMO_PORT:-8080}
URL="http://127.0.0.1:$PORT"
CSV=/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv
export TANDEM_SERVER="$URL"

if curl -s -o /dev/null "$URL/healthz"; then
  echo "demo: something already listens on port $PORT; set TANDEM_DEMO_PORT" >&2
  exit 1
fi

rm -rf "$DATA_DIR"
mkdir -p "$DATA_DIR"
"$TANDEM" server --data-dir "$DATA_DIR" --listen "127.0.0.1:$PORT" 2> "$DATA_DIR/server.log" > /dev/null &
SERVER_PID=$!
stop() {
  echo
  echo "stopping the server"
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 0' INT TERM

# A fresh data dir's first start also publishes the bundled operators (their tests run).
for _ in $(seq 600); do
  curl -sf -o /dev/null "$URL/healthz" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DATA_DIR/server.log" >&2; exit 1; }
  sleep 0.1
done

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "import the breast-cancer data set"
"$TANDEM" dataset import breast_cancer "$CSV"

step "run the pipeline examples/cancer-gbdt.yaml"
"$TANDEM" run examples/cancer-gbdt.yaml --wait

step "the model and its evaluation on the held-out quarter"
"$TANDEM" model show cancer

step "deploy it as a live API"
"$TANDEM" service deploy cancer --name cancer

step "send it three real rows (patients 1, 20 and 21 of the file)"
rows=$(sed -n '2p;21p;22p' "$CSV")
labels=$(echo "$rows" | awk -F, '{print $NF}' | paste -sd' ')
data=$(echo "$rows" | awk -F, '{ for (i = 1; i < NF; i++) { printf "%s%s", sep, $i; sep="," } }')
body="{\"inputs\":[{\"name\":\"input\",\"shape\":[3,30],\"datatype\":\"FP32\",\"data\":[$data]}]}"
echo "POST $URL/v2/models/cancer/infer"
answer=$(curl -s -X POST -H 'Content-Type: application/json' -d "$body" "$URL/v2/models/cancer/infer")
echo "$answer"
python3 - "$answer" "$labels" <<'PY'
import json, sys
answer, labels = json.loads(sys.argv[1]), [int(x) for x in sys.argv[2].split()]
classes = ["malignant", "benign"]
probs = next(o for o in answer["outputs"] if o["name"] == "probabilities")["data"]
for i, truth in enumerate(labels):
    p = probs[2 * i: 2 * i + 2]
    guess = max(range(2), key=lambda k: p[k])
    print(f"  row {i + 1}: predicted {classes[guess]} (p={p[guess]:.3f}), truth {classes[truth]}")
PY

step "ready"
echo "server:  $URL        (REST API under $URL/api/v1)"
echo "model:   $URL/v2/models/cancer/infer"
echo "data:    $DATA_DIR/   logs: $DATA_DIR/server.log"
echo "Press Ctrl-C to stop."
wait "$SERVER_PID"
