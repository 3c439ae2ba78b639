"""Serving when things go wrong, through the real binary: a request that kills the
replica that took it fails alone with 502 (never re-sent to the next replica, which
keeps answering) and the dead replica is restarted; a model file rewritten on disk is
refused at deploy and export and reported (then quarantined) by `tandem gc --verify`."""
import os
import shutil
import stat
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, SKLEARN_DATA, Tandem, infer_body, sklearn_rows  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))

# Appended to the model.py the train scaffold writes: a first feature below -1000
# kills the replica (the python worker's parent) the way a crashing model would.
POISON = '''

_fitted_predict = predict


def predict(inputs):
    import os, signal
    import numpy as np
    x = np.asarray(inputs["input"])
    if x.size and float(x.flat[0]) < -1000:
        os.kill(os.getppid(), signal.SIGKILL)
        os._exit(1)
    return _fitted_predict(inputs)
'''

TRAIN = """name: poison
nodes:
  load:  {operator: dataset-load, params: {dataset: iris}}
  fit:   {operator: poison-trainer, inputs: {train: load.table}}
  register: {operator: register-model, inputs: {model: fit.model, metrics: fit.metrics}, params: {name: poison}}
"""


class ServingFaults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Tandem(BINARY)
        cls.server.start(timeout=180)
        cls.work = tempfile.mkdtemp(prefix="tandem-faults-")
        cls.server.cli("dataset", "import", "iris", os.path.join(SKLEARN_DATA, "iris.csv"))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.kill_replicas()
        shutil.rmtree(cls.work, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def service(self, name):
        status, body = self.server.api("GET", f"/api/v1/services/{name}")
        self.assertEqual(status, 200, body)
        return body

    def test_poisonous_request_fails_alone_and_its_replica_restarts(self):
        s = self.server
        folder = os.path.join(self.work, "poison-trainer")
        s.cli("operator", "init", "poison-trainer", "--template", "train", "--dir", folder)
        main = os.path.join(folder, "main.py")
        with open(main) as f:
            code = f.read()
        self.assertIn("    tandem_op.save_python_model(", code)
        code = code.replace("    tandem_op.save_python_model(", "    path = tandem_op.save_python_model(")
        code += "    with open(path, 'a') as f:\n        f.write(%r)\n" % POISON
        with open(main, "w") as f:
            f.write(code)
        s.cli("operator", "publish", folder)
        run = s.cli("run", "--wait", self.write("poison.yaml", TRAIN))
        self.assertIn("succeeded", run.stdout.splitlines()[-1], run.stdout)
        self.assertIn("ready", s.cli("service", "deploy", "poison", "--name", "poison",
                                     "--replicas", "2").stdout)
        try:
            rows = [features for features, _ in sklearn_rows("iris.csv", 5)]
            normal = infer_body(rows)
            status, resp = s.api("POST", "/v2/models/poison/infer", normal)
            self.assertEqual(status, 200, resp)
            before = {r["id"]: r["pid"] for r in self.service("poison")["replicas"]}

            poisonous = infer_body([[-5000.0] + rows[0][1:]])
            status, resp = s.api("POST", "/v2/models/poison/infer", poisonous)
            self.assertEqual(status, 502, resp)
            self.assertRegex(resp["error"], r"replica r\d at 127\.0\.0\.1:\d+ failed while handling "
                                            r"the request \(not retried\)")
            self.assertIn(resp["replica"], before)
            dead = resp["replica"]

            # Normal traffic goes on, on the survivor, while the dead one is restarted.
            for _ in range(10):
                status, resp = s.api("POST", "/v2/models/poison/infer", normal)
                self.assertEqual(status, 200, resp)
            deadline = time.time() + 60
            while time.time() < deadline:
                svc = self.service("poison")
                if svc["restarts"] >= 1 and all(r["state"] == "ready" for r in svc["replicas"]):
                    break
                time.sleep(0.2)
            # Exactly the replica that took it died and came back: the request was not
            # re-sent to the other, which still runs its first process.
            self.assertEqual(svc["restarts"], 1, svc)
            self.assertTrue(all(r["state"] == "ready" for r in svc["replicas"]), svc)
            for r in svc["replicas"]:
                self.assertEqual(r["restarts"], 1 if r["id"] == dead else 0, svc)
                self.assertEqual(r["pid"] == before[r["id"]], r["id"] != dead, (before, svc))
            for _ in range(4):
                status, resp = s.api("POST", "/v2/models/poison/infer", normal)
                self.assertEqual(status, 200, resp)
        finally:
            s.cli("service", "stop", "poison", check=False)

    def test_model_file_changed_on_disk_is_refused_and_reported(self):
        s = self.server
        run = s.cli("run", "--wait", os.path.join(REPO, "examples", "iris-gbdt.yaml"))
        self.assertIn("succeeded", run.stdout.splitlines()[-1], run.stdout)
        status, model = s.api("GET", "/api/v1/models/iris")
        self.assertEqual(status, 200, model)
        digest = model["versions"][-1]["digest"]
        path = os.path.join(s.data_dir, "artifacts", "sha256", digest[:2], digest)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        with open(path, "a") as f:
            f.write(" ")  # the same trees, other bytes: any change is caught

        deploy = s.cli("service", "deploy", "iris", "--name", "iris-tampered", check=False)
        self.assertNotEqual(deploy.returncode, 0)
        self.assertIn(f"artifact {digest} at {path} no longer matches its digest", deploy.stderr)

        export = s.cli("model", "export", "iris", "--format", "c-sdk", "-o",
                       os.path.join(self.work, "sdk"), check=False)
        self.assertNotEqual(export.returncode, 0)
        self.assertIn(f"no longer matches its digest {digest}", export.stderr)

        verify = s.cli("gc", "--verify", check=False)
        self.assertEqual(verify.returncode, 1, verify.stdout + verify.stderr)
        self.assertIn(f"MISMATCH {digest} {path}", verify.stdout)
        self.assertIn("1 artifact(s) no longer match", verify.stdout)
        quarantined = s.cli("gc", "--verify", "--quarantine", check=False)
        self.assertIn("quarantined to", quarantined.stdout)
        self.assertFalse(os.path.exists(path))
        self.assertTrue(os.path.exists(os.path.join(s.data_dir, "artifacts", "quarantine", digest)))
        self.assertEqual(s.cli("gc", "--verify").returncode, 0)


if __name__ == "__main__":
    unittest.main()
