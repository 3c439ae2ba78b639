"""The model library and services through the real binary: versions with aliases, tags,
stages and comparisons; a multi-replica service rolled to a new version under load with
no failed request; canary, promote and rollback; a dead replica restarted; replicas
adopted by a restarted server; and SDK exports (C and Python) that predict exactly what
the service answers."""
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, SKLEARN_DATA, Tandem, infer_body, sklearn_rows  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))
ROWS = sklearn_rows("breast_cancer.csv", 20, start=100)

PIPELINE = """name: cancer-{rounds}
nodes:
  load:     {{operator: dataset-load, params: {{dataset: breast_cancer}}}}
  split:    {{operator: split, inputs: {{table: load.table}}, params: {{test_fraction: 0.25, seed: 7, stratify: true}}}}
  train:    {{operator: xgboost-train, inputs: {{train: split.train}}, params: {{objective: "binary:logistic", num_rounds: {rounds}, max_depth: 3}}}}
  evaluate: {{operator: evaluate, inputs: {{model: train.model, test: split.test}}}}
  register: {{operator: register-model, inputs: {{model: train.model, metrics: evaluate.metrics}}, params: {{name: cancer}}}}
"""


def f32(x):
    """x rounded to the nearest float32, as the service and the SDK compute."""
    return struct.unpack("f", struct.pack("f", x))[0]


class Models(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Tandem(BINARY)
        cls.server.start()
        s = cls.server
        s.cli("dataset", "import", "breast_cancer", os.path.join(SKLEARN_DATA, "breast_cancer.csv"))
        for rounds in (20, 60):  # two versions with different trees and metrics
            spec = os.path.join(s.data_dir, f"cancer-{rounds}.yaml")
            with open(spec, "w") as f:
                f.write(PIPELINE.format(rounds=rounds))
            run = s.cli("run", spec, "--wait")
            assert "succeeded" in run.stdout.splitlines()[-1], run.stdout

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.kill_replicas()

    def infer(self, service, rows=ROWS):
        status, resp = self.server.api("POST", f"/v2/models/{service}/infer",
                                       infer_body([r[0] for r in rows]))
        self.assertEqual(status, 200, resp)
        probs = next(o for o in resp["outputs"] if o["name"] == "probabilities")
        return resp["model_version"], probs["data"]

    def service(self, name):
        status, body = self.server.api("GET", f"/api/v1/services/{name}")
        self.assertEqual(status, 200, body)
        return body

    def test_1_library_aliases_tags_stages_compare(self):
        s = self.server
        s.cli("model", "alias", "set", "cancer", "production", "1")
        s.cli("model", "alias", "set", "cancer", "challenger", "2")
        s.cli("model", "tag", "cancer:1", "team=risk", "reviewed")
        out = s.cli("model", "show", "cancer@production").stdout
        self.assertIn("version 1", out)
        self.assertIn("stage production", out)
        self.assertIn("team=risk", out)
        status, model = s.api("GET", "/api/v1/models/cancer")
        self.assertEqual(model["aliases"], {"challenger": 2, "production": 1})
        self.assertEqual(model["versions"][0]["tags"], {"reviewed": "", "team": "risk"})
        self.assertEqual(model["versions"][0]["stage"], "production")

        out = s.cli("model", "compare", "cancer", "1", "challenger").stdout
        self.assertIn("v1 vs v2", out)
        self.assertIn("accuracy", out)
        status, cmp = s.api("GET", "/api/v1/models/cancer/compare?a=1&b=2")
        self.assertEqual(status, 200, cmp)
        acc = next(m for m in cmp["metrics"] if m["name"] == "accuracy")
        self.assertAlmostEqual(acc["delta"], acc["b"] - acc["a"])

        # production moves to 2 in one step, and takes its stage along.
        s.cli("model", "alias", "set", "cancer", "production", "2")
        status, model = s.api("GET", "/api/v1/models/cancer")
        self.assertEqual(model["aliases"]["production"], 2)
        self.assertEqual([v["stage"] for v in model["versions"]], ["none", "production"])
        s.cli("model", "stage", "cancer:1", "archived")
        s.cli("model", "tag", "cancer:1", "--rm", "reviewed")
        status, v1 = s.api("GET", "/api/v1/models/cancer/versions/1")
        self.assertEqual(v1["stage"], "archived")
        self.assertEqual(v1["tags"], {"team": "risk"})
        self.assertIn("features", v1["artifact"]["meta"])
        bad = s.cli("model", "show", "cancer@nosuch", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("model 'cancer' has no alias 'nosuch'", bad.stderr)
        s.cli("model", "alias", "rm", "cancer", "challenger")
        self.assertNotIn("challenger", s.api("GET", "/api/v1/models/cancer")[1]["aliases"])

    def test_2_rolling_update_under_load_fails_no_request(self):
        s = self.server
        out = s.cli("service", "deploy", "cancer:1", "--name", "roll", "--replicas", "3",
                    "--batch", "max=8,delay=1ms").stdout
        self.assertIn("service roll ready", out)
        svc = self.service("roll")
        self.assertEqual(len(svc["replicas"]), 3)
        self.assertEqual(svc["batch"], {"max": 8, "delay_us": 1000})
        self.assertEqual(self.infer("roll")[0], "1")

        counts = {"ok": 0, "failed": 0, "v1": 0, "v2": 0}
        errors = []
        stop = threading.Event()
        lock = threading.Lock()
        body = infer_body([ROWS[0][0]])

        def load():
            while not stop.is_set():
                status, resp = s.api("POST", "/v2/models/roll/infer", body)
                with lock:
                    if status == 200:
                        counts["ok"] += 1
                        counts["v" + resp["model_version"]] += 1
                    else:
                        counts["failed"] += 1
                        errors.append((status, resp))

        threads = [threading.Thread(target=load) for _ in range(6)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        out = s.cli("service", "update", "roll", "--model", "cancer:2").stdout
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join()
        print(f"\nrolling update under load: {counts['ok']} ok, {counts['failed']} failed "
              f"({counts['v1']} answered by v1, {counts['v2']} by v2)", file=sys.stderr)
        self.assertEqual(counts["failed"], 0, errors[:3])
        self.assertGreater(counts["v1"], 0)
        self.assertGreater(counts["v2"], 0)
        svc = self.service("roll")
        self.assertEqual(svc["model_version"], 2)
        self.assertEqual([r["model_version"] for r in svc["replicas"]], [2, 2, 2])
        self.assertEqual([r["id"] for r in svc["replicas"]], ["r4", "r5", "r6"])
        for _ in range(6):
            self.assertEqual(self.infer("roll")[0], "2")

    def test_3_canary_promote_rollback(self):
        s = self.server
        s.cli("service", "deploy", "cancer@production", "--name", "canary", "--replicas", "2")
        self.assertEqual(self.service("canary")["model_version"], 2)
        out = s.cli("service", "update", "canary", "--model", "cancer:1", "--canary", "25").stdout
        self.assertIn("canary cancer v1 at 25%", out)
        versions = [self.infer("canary", ROWS[:1])[0] for _ in range(40)]
        self.assertEqual(versions.count("1"), 10)
        out = s.cli("service", "rollback", "canary").stdout
        self.assertEqual({self.infer("canary", ROWS[:1])[0] for _ in range(10)}, {"2"})
        self.assertIsNone(self.service("canary")["canary"])

        s.cli("service", "update", "canary", "--model", "cancer:1", "--canary", "10")
        refused = s.cli("service", "update", "canary", "--model", "cancer:1", check=False)
        self.assertIn("promote or roll back first", refused.stderr)
        s.cli("service", "promote", "canary")
        svc = self.service("canary")
        self.assertEqual(svc["model_version"], 1)
        self.assertEqual([r["model_version"] for r in svc["replicas"]], [1, 1])
        self.assertEqual({self.infer("canary", ROWS[:1])[0] for _ in range(10)}, {"1"})

    def test_4_dead_replica_restarted_and_adopted_after_server_restart(self):
        s = self.server
        s.cli("service", "deploy", "cancer:2", "--name", "sturdy", "--replicas", "2")
        victim = self.service("sturdy")["replicas"][0]
        os.kill(victim["pid"], signal.SIGKILL)
        deadline = time.time() + 20
        while time.time() < deadline:
            r = self.service("sturdy")["replicas"][0]
            if r["restarts"] == 1 and r["state"] == "ready":
                break
            time.sleep(0.2)
        self.assertEqual(r["restarts"], 1, r)
        self.assertNotEqual(r["pid"], victim["pid"])
        self.assertIn("sturdy", s.cli("service", "list").stdout)
        before = {x["id"]: x["pid"] for x in self.service("sturdy")["replicas"]}

        s.kill9()
        s.start()
        # Adoption happens before /healthz answers 200; the first inference may still race it.
        deadline = time.time() + 20
        while time.time() < deadline:
            if s.api("POST", "/v2/models/sturdy/infer", infer_body([ROWS[0][0]]))[0] == 200:
                break
            time.sleep(0.1)
        after = {x["id"]: x["pid"] for x in self.service("sturdy")["replicas"]}
        self.assertEqual(after, before)  # adopted, not restarted
        self.assertEqual(self.infer("sturdy")[0], "2")

    def test_5_sdk_exports_predict_what_the_service_answers(self):
        s = self.server
        s.cli("service", "deploy", "cancer:2", "--name", "sdk")
        _, served = self.infer("sdk")
        status, v2 = s.api("GET", "/api/v1/models/cancer/versions/2")
        features = v2["artifact"]["meta"]["features"]
        work = tempfile.mkdtemp(prefix="tandem-sdk-it-")
        try:
            csv_path = os.path.join(work, "rows.csv")
            with open(csv_path, "w") as f:
                f.write(",".join(features + ["target"]) + "\n")
                for x, y in ROWS:
                    f.write(",".join(repr(v) for v in x) + f",{y}\n")
            expected = [f32(v) for v in served]

            c_dir = os.path.join(work, "c-sdk")
            out = s.cli("model", "export", "cancer:2", "--format", "c-sdk", "-o", c_dir).stdout
            for name in ("tandem_predict.h", "libtandem_predict.so", "model.json",
                         "transforms.json", "example.c", "README.md"):
                self.assertTrue(os.path.exists(os.path.join(c_dir, name)), name)
            with open(os.path.join(c_dir, "README.md")) as f:
                build = next(line for line in f if line.startswith("cc example.c"))
            self.assertIn(build.strip(), out)
            subprocess.run(build, shell=True, cwd=c_dir, check=True)
            run = subprocess.run(["./example", csv_path], cwd=c_dir, capture_output=True,
                                 text=True, check=True)
            c_values = [f32(float(v)) for line in run.stdout.splitlines() for v in line.split(",")]
            self.assertEqual(len(c_values), 2 * len(ROWS))
            self.assertEqual(c_values, expected)

            py_dir = os.path.join(work, "cancer_sdk")
            s.cli("model", "export", "cancer:2", "--format", "python", "-o", py_dir)
            code = ("import sys; sys.path.insert(0, sys.argv[1]); import cancer_sdk;"
                    "m = cancer_sdk.load();"
                    "print('\\n'.join(','.join('%.9g' % v for v in r) "
                    "for r in m.predict_csv(sys.argv[2])))")
            run = subprocess.run([sys.executable, "-c", code, work, csv_path],
                                 capture_output=True, text=True, check=True)
            py_values = [f32(float(v)) for line in run.stdout.splitlines() for v in line.split(",")]
            self.assertEqual(py_values, expected)
            run = subprocess.run([sys.executable, py_dir, csv_path], capture_output=True,
                                 text=True, check=True)
            self.assertEqual([f32(float(v)) for line in run.stdout.splitlines()
                              for v in line.split(",")], expected)
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
