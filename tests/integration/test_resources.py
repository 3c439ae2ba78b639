"""The scheduler wired into the server, on a declared one-GPU node (no GPU needed: the
node is described in the config): a fixed inference slice and two elastic training
jobs share the GPU by fractions; a high-priority job preempts the low-priority one
(SIGTERM, requeued, run again) and never the inference slice, which keeps answering;
`tandem resources` shows devices, allocations and events; a drained GPU takes no new
work; a job past its memory limit is killed by its cgroup and reported out-of-memory."""
import json
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, SKLEARN_DATA, Tandem, infer_body, sklearn_rows  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))
EXAMPLES = os.path.join(REPO, "examples")

CONFIG = """
cluster:
  oversubscription: 1
  nodes:
    - name: gpubox
      cpus: 8
      memory: 16Gi
      gpus: [{model: T4, memory: 16Gi}]
"""

# Holds its slice until the file in param `release` exists; logs start/term lines.
HOLD = """#!/bin/sh
echo "start $TANDEM_PARAM_NODE" >> "$TANDEM_PARAM_LOG"
trap 'echo "term $TANDEM_PARAM_NODE" >> "$TANDEM_PARAM_LOG"; exit 143' TERM
while [ ! -e "$TANDEM_PARAM_RELEASE" ]; do sleep 0.05; done
echo done > "$TANDEM_OUTPUT_OUT/f"
printf '{"outputs": {"out": {"file": "f"}}}\\n' > outputs.json
"""

# Writes 256 MiB for real (a calloc'd buffer would never touch its pages).
HOG = """#!/bin/sh
set -e
python3 -c "b = b'x' * (256 << 20); print(len(b))"
echo done > "$TANDEM_OUTPUT_OUT/f"
printf '{"outputs": {"out": {"file": "f"}}}\\n' > outputs.json
"""


def exec_operator(root, name, script, params, test_params):
    folder = os.path.join(root, name)
    os.makedirs(folder)
    manifest = {
        "name": name, "version": 1, "category": "other", "description": f"{name} (tests of the scheduler)",
        "outputs": {"out": {"type": "file"}},
        "params": {"type": "object", "additionalProperties": False, "properties": params},
        "runtime": {"kind": "exec", "entry": "main.sh"},
        "tests": [{"name": "runs", "params": test_params, "expect": {"outputs": {"out": {"exists": True}}}}],
    }
    with open(os.path.join(folder, "operator.yaml"), "w") as f:
        json.dump(manifest, f)
    with open(os.path.join(folder, "main.sh"), "w") as f:
        f.write(script)
    os.chmod(os.path.join(folder, "main.sh"), 0o755)
    return folder


def hold_node(node, gpu_fraction, priority, tmp):
    return (f"name: {node}\nnodes:\n  {node}: {{operator: hold, params: {{node: {node}, "
            f"log: {tmp}/hold.log, release: {tmp}/release-{node}}}, "
            f"resources: {{gpu: {{fraction: {gpu_fraction}}}, priority: {priority}}}}}\n")


class Resources(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tandem-res-")
        cls.s = Tandem(BINARY, config=CONFIG)
        cls.s.start()
        string = {"type": "string"}
        released = os.path.join(cls.tmp, "always")
        open(released, "w").close()
        cls.s.cli("operator", "publish", exec_operator(
            cls.tmp, "hold", HOLD, {"node": string, "log": string, "release": string},
            {"node": "t", "log": os.path.join(cls.tmp, "test.log"), "release": released}))
        cls.s.cli("operator", "publish", exec_operator(cls.tmp, "hog", HOG, {}, {}))
        cls.s.cli("dataset", "import", "breast_cancer", os.path.join(SKLEARN_DATA, "breast_cancer.csv"))
        cls.s.cli("run", os.path.join(EXAMPLES, "cancer-gbdt.yaml"), "--wait")

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def wait_for(self, what, predicate, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        self.fail(f"timed out waiting for {what}\nserver: {self.s.server_log()}")

    def task(self, run_id, node):
        status, tasks = self.s.api("GET", f"/api/v1/runs/{run_id}")
        self.assertEqual(status, 200, tasks)
        return next(t for t in tasks["tasks"] if t["node"] == node)

    def submit(self, yaml_text):
        path = os.path.join(self.tmp, f"p-{time.time_ns()}.yaml")
        with open(path, "w") as f:
            f.write(yaml_text)
        return self.s.cli("run", path).stdout.split()[0]

    def hold_log(self):
        path = os.path.join(self.tmp, "hold.log")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return f.read().split("\n")

    def jobs(self):
        return self.s.api("GET", "/api/v1/resources")[1]["jobs"]

    def infer_ok(self):
        rows = sklearn_rows("breast_cancer.csv", 2)
        status, body = self.s.api("POST", "/v2/models/cancer-svc/infer", infer_body([r[0] for r in rows]))
        return status == 200 and body["outputs"][0]["shape"][0] == 2

    def test_1_fractions_priorities_and_preemption(self):
        self.s.cli("service", "deploy", "cancer", "--name", "cancer-svc", "--gpu", "0.3", "--cpus", "1")
        svc = [j for j in self.jobs() if j.get("owner") == "services"]
        self.assertEqual(len(svc), 1, svc)
        self.assertEqual((svc[0]["mode"], svc[0]["environment"], svc[0]["state"]), ("fixed", "infer", "running"))
        self.assertEqual(svc[0]["compute_percent"], 30)
        self.assertTrue(self.infer_ok())

        low = self.submit(hold_node("low", 0.6, 0, self.tmp))
        self.wait_for("low to run", lambda: self.task(low, "low")["state"] == "running")
        high = self.submit(hold_node("high", 0.6, 10, self.tmp))
        # 0.3 fixed + 0.6 + 0.6 > 1 GPU: high preempts low, never the inference slice.
        self.wait_for("high to run", lambda: self.task(high, "high")["state"] == "running")
        self.wait_for("low to be requeued", lambda: self.task(low, "low")["state"] == "pending")
        self.assertIn("term low", self.hold_log())
        self.assertIn("preempted", self.task(low, "low")["message"])
        shown = self.s.cli("resources").stdout
        self.assertIn("gpubox", shown)
        self.assertIn("service cancer-svc replica", shown)
        self.assertIn("preempted", shown)
        by_holder = {j["holder"].split(" attempt")[0]: j for j in self.jobs()}
        self.assertEqual(by_holder[f"{high}/high"]["state"], "running")
        self.assertEqual(by_holder[f"{low}/low"]["state"], "pending")
        self.assertTrue(self.infer_ok())  # the fixed slice keeps serving

        open(os.path.join(self.tmp, "release-high"), "w").close()
        self.wait_for("high to finish", lambda: self.task(high, "high")["state"] == "succeeded")
        self.wait_for("low to run again", lambda: self.task(low, "low")["state"] == "running")
        self.assertEqual(self.task(low, "low")["attempt"], 2)
        open(os.path.join(self.tmp, "release-low"), "w").close()
        self.wait_for("low to finish", lambda: self.task(low, "low")["state"] == "succeeded")
        self.assertEqual(self.hold_log().count("start low"), 2)
        self.assertEqual(self.hold_log().count("start high"), 1)
        self.assertEqual([j["owner"] for j in self.jobs()], ["services"])  # the runs gave back
        self.assertTrue(self.infer_ok())

    def test_2_drained_gpu_takes_no_new_work(self):
        bad = self.s.cli("resources", "drain", "gpubox/3", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("node 'gpubox' has no GPU '3'", bad.stderr)
        self.s.cli("resources", "drain", "gpubox/0")
        run = self.submit(hold_node("late", 0.2, 0, self.tmp))
        self.wait_for("the wait to be explained",
                      lambda: "waiting for resources" in self.task(run, "late")["message"])
        self.assertEqual(self.task(run, "late")["state"], "pending")
        self.s.cli("resources", "restore", "gpubox/0")
        open(os.path.join(self.tmp, "release-late"), "w").close()
        self.wait_for("late to finish", lambda: self.task(run, "late")["state"] == "succeeded")
        events = [e["kind"] for e in self.s.api("GET", "/api/v1/resources")[1]["events"]]
        self.assertIn("drain", events)
        self.assertIn("restored", events)

    def test_3_memory_limit_kills_and_reports_out_of_memory(self):
        run = self.submit("name: hog\nnodes:\n  hog: {operator: hog, resources: {memory: 64Mi}}\n")
        task = self.wait_for("hog to end", lambda: (t := self.task(run, "hog"))["state"] in ("failed", "succeeded")
                             and t)
        with open(os.path.join(self.s.data_dir, "server.log"), errors="replace") as f:
            log = f.read()
        if task["state"] == "succeeded" and "not enforced" in log:
            self.skipTest("this machine lets no cgroup be made:" + log.split("not enforced")[1][:200])
        self.assertEqual(task["state"], "failed", task)
        self.assertIn("out of memory (limit 64 MiB)", task["error"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
