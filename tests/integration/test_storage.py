"""Storage through the real binary: tables are stored once, as TTB1 (python's tandem_op
reads what C++ wrote); an exec operator still gets CSV, only while it runs; deletes
refuse what is in use; `tandem gc` removes what nothing refers to and nothing else."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, SKLEARN_DATA, Tandem, sklearn_rows  # noqa: E402

sys.path.insert(0, os.path.join(REPO, "python"))
import tandem_op  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))

PIPELINE = """
name: iris-storage
nodes:
  load:  {operator: dataset-load, params: {dataset: iris}}
  head:  {operator: keep-first, inputs: {table: load.table}, params: {rows: 7}}
  split: {operator: split, inputs: {table: load.table}, params: {test_fraction: 0.3, seed: 1}}
  train: {operator: xgboost-train, inputs: {train: split.train}, params: {num_rounds: 5}}
  evaluate: {operator: evaluate, inputs: {model: train.model, test: split.test}}
  register: {operator: register-model, inputs: {model: train.model, metrics: evaluate.metrics}, params: {name: iris}}
"""


class Storage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Tandem(BINARY)
        cls.server.start(timeout=120)
        cls.work = tempfile.mkdtemp(prefix="tandem-storage-")
        try:
            cls.prepare()
        except BaseException:
            cls.tearDownClass()  # unittest does not call it when setUpClass fails
            raise

    @classmethod
    def prepare(cls):
        s = cls.server
        s.cli("dataset", "import", "iris", os.path.join(SKLEARN_DATA, "iris.csv"))
        folder = os.path.join(cls.work, "keep-first")
        s.cli("operator", "init", "keep-first", "--runtime", "exec", "--dir", folder)
        s.cli("operator", "publish", folder)
        path = os.path.join(cls.work, "pipeline.yaml")
        with open(path, "w") as f:
            f.write(PIPELINE)
        cls.run_id = s.cli("run", "--wait", path).stdout.splitlines()[0].strip()
        cls.pipeline = path

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def artifact(self, digest):
        return os.path.join(self.server.data_dir, "artifacts", "sha256", digest[:2], digest)

    def tasks(self, run_id):
        status, body = self.server.api("GET", f"/api/v1/runs/{run_id}")
        self.assertEqual(status, 200, body)
        return {t["node"]: t for t in body["tasks"]}

    def test_1_tables_are_ttb1_once_and_python_reads_them(self):
        status, d = self.server.api("GET", "/api/v1/datasets/iris")
        path = self.artifact(d["digest"])
        with open(path, "rb") as f:
            self.assertEqual(f.read(4), b"TTB1")
        header, columns = tandem_op._read_ttb(path, "dataset")
        self.assertEqual(header[-1], "target")
        rows = sklearn_rows("iris.csv", 150)
        self.assertEqual([c[0] for c in columns[:4]], [float(x) for x in rows[0][0]])
        self.assertEqual(len(columns[0]), 150)

        # People get CSV: the same rows as the file that was imported.
        status, csv_text = self.server.api("GET", "/api/v1/datasets/iris/csv", raw=True)
        self.assertEqual(status, 200)
        lines = csv_text.decode().splitlines()
        self.assertEqual(len(lines), 151)
        self.assertTrue(lines[0].startswith("sepal length (cm),"))
        self.assertEqual([float(x) for x in lines[1].split(",")[:4]], rows[0][0])

        load = self.tasks(self.run_id)["load"]
        out = os.path.join(self.server.data_dir, "runs", self.run_id, "load", "attempt-1", "out",
                           "table", "table.ttb")
        stored = self.artifact(load["outputs"]["table"]["digest"])
        self.assertTrue(os.path.samefile(out, stored), "the task's output is the artifact, not a copy")

    def test_2_exec_operator_reads_csv_only_while_it_runs(self):
        head = self.tasks(self.run_id)["head"]
        self.assertEqual(head["state"], "succeeded")
        with open(self.artifact(head["outputs"]["table"]["digest"])) as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), 8)  # the header and 7 rows: the input was CSV
        self.assertTrue(lines[0].startswith("sepal length"))
        task_dir = os.path.join(self.server.data_dir, "runs", self.run_id, "head", "attempt-1")
        self.assertTrue(os.path.exists(os.path.join(task_dir, "task.json")))
        self.assertFalse(os.path.exists(os.path.join(task_dir, "in")))

    def test_3_deletes_refuse_what_is_in_use(self):
        s = self.server
        s.cli("service", "deploy", "iris:1", "--name", "iris-web")
        refused = s.cli("model", "delete", "iris:1", check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("is used by service 'iris-web'", refused.stderr)
        busy = s.cli("service", "delete", "iris-web", check=False)
        self.assertIn("stop it first", busy.stderr)
        s.cli("service", "stop", "iris-web")
        s.cli("service", "delete", "iris-web")
        self.assertNotIn("iris-web", s.cli("service", "list").stdout)
        s.cli("model", "alias", "set", "iris", "production", "1")
        self.assertIn("alias 'production'", s.cli("model", "delete", "iris:1", check=False).stderr)
        s.cli("model", "alias", "rm", "iris", "production")
        self.assertIn("model iris:1 deleted", s.cli("model", "delete", "iris:1").stdout)
        self.assertIn("not found", s.cli("run", "delete", "no-such-run", check=False).stderr)
        self.assertIn("version", s.cli("dataset", "delete", "iris:x", check=False).stderr)

    def test_4_gc_removes_only_what_nothing_refers_to(self):
        s = self.server
        tasks = self.tasks(self.run_id)
        model_file = self.artifact(tasks["train"]["outputs"]["model"]["digest"])
        head_file = self.artifact(tasks["head"]["outputs"]["table"]["digest"])
        status, d = s.api("GET", "/api/v1/datasets/iris")
        dataset_file = self.artifact(d["digest"])
        # Deleting the run leaves its outputs unreferenced; the dataset still is.
        s.cli("run", "delete", self.run_id)
        self.assertFalse(os.path.exists(os.path.join(s.data_dir, "runs", self.run_id)))
        kept = s.cli("gc").stdout  # the grace period spares everything this recent
        self.assertIn("removed 0 unreferenced artifacts", kept)
        self.assertTrue(os.path.exists(head_file))
        out = s.cli("gc", "--grace-minutes", "0").stdout
        self.assertNotIn("removed 0 unreferenced", out)
        self.assertFalse(os.path.exists(head_file))
        self.assertFalse(os.path.exists(model_file))  # its model version was deleted above
        self.assertTrue(os.path.exists(dataset_file))  # the dataset still names it
        # What is left still works: the dataset runs again.
        again = s.cli("run", "--wait", self.pipeline).stdout
        self.assertIn("succeeded", again.splitlines()[-1])
        s.cli("dataset", "delete", "iris")
        self.assertIn("not found", s.cli("dataset", "show", "iris", check=False).stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
