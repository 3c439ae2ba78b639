"""Plug-in operators through the real binary: scaffold, test, publish, run in a pipeline;
a failing test blocks publishing; params that break a schema are refused before anything
runs; the bundled sklearn operators are published and train; forms come from schemas."""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, SKLEARN_DATA, Tandem, infer_body, sklearn_rows  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))


class Operators(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Tandem(BINARY)
        cls.server.start(timeout=120)  # the bundled operators' tests run on first start
        cls.work = tempfile.mkdtemp(prefix="tandem-ops-")
        cls.server.cli("dataset", "import", "iris", os.path.join(SKLEARN_DATA, "iris.csv"))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def pipeline(self, name, text):
        path = os.path.join(self.work, name + ".yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_scaffold_test_publish_and_run(self):
        s = self.server
        folder = os.path.join(self.work, "keep-big")
        out = s.cli("operator", "init", "keep-big", "--runtime", "python", "--dir", folder).stdout
        self.assertIn("created operator 'keep-big'", out)
        self.assertIn("ok: keep-big@1", s.cli("operator", "validate", folder).stdout)
        tested = s.cli("operator", "test", folder).stdout
        self.assertIn("PASS  keeps-three-rows", tested)
        self.assertIn("all 1 tests passed", tested)
        published = s.cli("operator", "publish", folder).stdout
        self.assertIn("keep-big@1 is published", published)
        # Publishing the same files again changes nothing; changed files need a new version.
        self.assertIn("unchanged", s.cli("operator", "publish", folder).stdout)
        with open(os.path.join(folder, "main.py"), "a") as f:
            f.write("# edited\n")
        again = s.cli("operator", "publish", folder, check=False)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("immutable", again.stderr)

        run = s.cli("run", "--wait", self.pipeline("keep", """
name: keep-long-petals
nodes:
  load: {operator: dataset-load, params: {dataset: iris}}
  keep: {operator: keep-big, inputs: {table: load.table}, params: {column: "petal length (cm)", min: 5}}
"""))
        self.assertIn("succeeded", run.stdout.splitlines()[-1])
        run_id = run.stdout.splitlines()[0].strip()
        status, body = s.api("GET", f"/api/v1/runs/{run_id}")
        keep = [t for t in body["tasks"] if t["node"] == "keep"][0]
        kept = sum(1 for features, _ in sklearn_rows("iris.csv", 150) if features[2] >= 5)
        self.assertEqual(keep["outputs"]["_metrics"]["rows_dropped"], 150 - kept)

    def test_a_failing_test_blocks_publishing_and_says_why(self):
        s = self.server
        folder = os.path.join(self.work, "wrong")
        s.cli("operator", "init", "wrong", "--runtime", "exec", "--dir", folder)
        manifest = os.path.join(folder, "operator.yaml")
        with open(manifest) as f:
            text = f.read()
        with open(manifest, "w") as f:
            f.write(text.replace("rows: 2,", "rows: 5,"))
        with tempfile.TemporaryFile() as tar:  # the REST form of `operator test`: nothing stored
            subprocess.run(["tar", "-C", folder, "-cf", "-", "."], stdout=tar, check=True)
            tar.seek(0)
            status, checked = s.api("POST", "/api/v1/operators/check", tar.read(), "application/x-tar")
        self.assertEqual(status, 200, checked)
        self.assertEqual(checked["tests"][0]["reason"], "outputs.table.rows: expected 5, got 2")
        refused = s.cli("operator", "publish", folder, check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("publish refused: 1 of 1 tests failed: keeps-first-rows: "
                      "outputs.table.rows: expected 5, got 2", refused.stderr)
        status, body = s.api("GET", "/api/v1/operators/wrong")
        self.assertEqual(status, 404)
        # As a draft it is stored, and only runs with --allow-drafts.
        self.assertIn("wrong@1 is draft", s.cli("operator", "publish", folder, "--draft").stdout)
        spec = self.pipeline("draft", """
name: try-draft
nodes:
  load: {operator: dataset-load, params: {dataset: iris}}
  head: {operator: wrong, inputs: {table: load.table}, params: {rows: 4}}
""")
        blocked = s.cli("run", spec, check=False)
        self.assertIn("nodes.head.operator: 'wrong' is a draft, not published", blocked.stderr)
        self.assertIn("succeeded", s.cli("run", spec, "--wait", "--allow-drafts").stdout)

    def test_bad_params_are_refused_before_anything_runs(self):
        s = self.server
        status, before = s.api("GET", "/api/v1/runs")
        bad = s.cli("run", self.pipeline("bad", """
name: bad-params
nodes:
  load: {operator: dataset-load, params: {dataset: iris}}
  split: {operator: split, inputs: {table: load.table}, params: {test_fraction: 2, seeed: 1}}
  train: {operator: xgboost-train, inputs: {train: split.train}, params: {max_depth: 0, eta: "fast"}}
"""), check=False)
        self.assertNotEqual(bad.returncode, 0)
        for problem in ["nodes.split.params.test_fraction: must be < 1, got 2",
                        "nodes.split.params.seeed: unknown field",
                        "nodes.train.params.max_depth: must be >= 1, got 0",
                        "nodes.train.params.eta: expected number, got \"fast\""]:
            self.assertIn(problem, bad.stderr)
        status, after = s.api("GET", "/api/v1/runs")
        self.assertEqual(len(before["runs"]), len(after["runs"]))

    def test_bundled_sklearn_operators_train_and_list_as_algorithms(self):
        s = self.server
        algorithms = s.cli("algorithm", "list").stdout
        for name in ["xgboost-train", "sklearn-random-forest", "sklearn-svm"]:
            self.assertIn(name, algorithms)
        run = s.cli("run", "--wait", self.pipeline("forest", """
name: iris-forest
nodes:
  load: {operator: dataset-load, params: {dataset: iris}}
  split: {operator: split, inputs: {table: load.table}, params: {test_fraction: 0.3, seed: 7, stratify: true}}
  forest: {operator: sklearn-random-forest, inputs: {train: split.train, test: split.test}, params: {n_estimators: 50, seed: 1}}
  register: {operator: register-model, inputs: {model: forest.model, metrics: forest.metrics}, params: {name: iris-forest}}
"""))
        self.assertIn("succeeded", run.stdout.splitlines()[-1])
        status, model = s.api("GET", "/api/v1/models/iris-forest")
        self.assertEqual(status, 200)
        version = model["versions"][-1]
        self.assertEqual(version["format"], "python")
        self.assertGreaterEqual(version["metrics"]["accuracy"], 0.9)

    def task_of(self, run_stdout, node):
        run_id = run_stdout.splitlines()[0].strip()
        status, body = self.server.api("GET", f"/api/v1/runs/{run_id}")
        return [t for t in body["tasks"] if t["node"] == node][0]

    def artifact_rows(self, output):
        """A table artifact's rows, as people get them: CSV (it is stored as TTB1)."""
        status, body = self.server.api("GET", f"/api/v1/artifacts/{output['digest']}/csv", raw=True)
        self.assertEqual(status, 200, body)
        return list(csv.DictReader(io.StringIO(body.decode(), newline="")))

    def test_forest_evaluated_compared_with_xgboost_and_scored_by_predict(self):
        s = self.server
        s.cli("dataset", "import", "cancer", os.path.join(SKLEARN_DATA, "breast_cancer.csv"))
        head = """
  load: {operator: dataset-load, params: {dataset: cancer}}
  split: {operator: split, inputs: {table: load.table}, params: {test_fraction: 0.3, seed: 7, stratify: true}}"""
        forest = s.cli("run", "--wait", self.pipeline("forest-cmp", "name: forest-cmp\nnodes:" + head + """
  forest: {operator: sklearn-random-forest, inputs: {train: split.train, test: split.test}, params: {n_estimators: 50, seed: 1}}
  evaluate: {operator: evaluate, inputs: {model: forest.model, test: split.test}}
  score: {operator: predict, inputs: {table: split.test, model: forest.model}}
  register: {operator: register-model, inputs: {model: forest.model, metrics: forest.metrics}, params: {name: cancer-cmp}}
""")).stdout
        self.assertIn("succeeded", forest.splitlines()[-1])
        # evaluate runs the python model's predict(): the same numbers as the forest's own report.
        own = self.task_of(forest, "forest")["outputs"]["_metrics"]
        evaluated = self.task_of(forest, "evaluate")["outputs"]["_metrics"]
        for name in ["accuracy", "precision", "recall", "f1", "roc_auc", "log_loss", "n"]:
            self.assertAlmostEqual(evaluated[name], own[name], places=6, msg=name)
        self.assertEqual(len(evaluated["confusion_matrix"]["matrix"]), 2)
        # predict: the test rows plus the predicted class and a probability per class.
        score = self.task_of(forest, "score")
        rows = self.artifact_rows(score["outputs"]["table"])
        self.assertEqual(len(rows), own["n"])
        classes = evaluated["confusion_matrix"]["classes"]
        for c in classes:
            self.assertIn("prediction_" + c, rows[0])
        right = sum(1 for r in rows if r["prediction"] == r["target"])
        self.assertAlmostEqual(right / len(rows), evaluated["accuracy"], places=9)

        xgb = s.cli("run", "--wait", self.pipeline("xgb-cmp", "name: xgb-cmp\nnodes:" + head + """
  train: {operator: xgboost-train, inputs: {train: split.train}, params: {num_rounds: 50}}
  evaluate: {operator: evaluate, inputs: {model: train.model, test: split.test}}
  register: {operator: register-model, inputs: {model: train.model, metrics: evaluate.metrics}, params: {name: cancer-cmp}}
""")).stdout
        self.assertIn("succeeded", xgb.splitlines()[-1])
        # The forest's own metrics and evaluate's carry the same names: no empty rows.
        status, cmp = s.api("GET", "/api/v1/models/cancer-cmp/compare?a=1&b=2")
        self.assertEqual(status, 200, cmp)
        names = [m["name"] for m in cmp["metrics"]]
        for name in ["accuracy", "f1", "precision", "recall", "roc_auc", "log_loss", "confusion_matrix"]:
            self.assertIn(name, names)
        empty = [m["name"] for m in cmp["metrics"] if m["a"] is None or m["b"] is None]
        self.assertEqual(empty, [])
        shown = s.cli("model", "compare", "cancer-cmp", "1", "2").stdout
        self.assertIn("roc_auc", shown)

        # A registered version scores raw rows by name, pinned at submit.
        by_name = s.cli("run", "--wait", self.pipeline("score-registered", """
name: score-registered
nodes:
  load: {operator: dataset-load, params: {dataset: cancer}}
  score: {operator: predict, inputs: {table: load.table}, params: {model: "cancer-cmp:2", column: p}}
""")).stdout
        self.assertIn("succeeded", by_name.splitlines()[-1])
        score = self.task_of(by_name, "score")
        self.assertEqual(score["inputs"]["model"]["model"], {"name": "cancer-cmp", "version": 2})
        self.assertEqual(score["outputs"]["_metrics"]["rows"], 569)
        missing = s.cli("run", self.pipeline("score-missing", """
name: score-missing
nodes:
  load: {operator: dataset-load, params: {dataset: cancer}}
  score: {operator: predict, inputs: {table: load.table}, params: {model: "cancer-cmp:9"}}
"""), check=False)
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("nodes.score.params.model: model 'cancer-cmp' has no version 9", missing.stderr)

    def test_linear_model_export_predicts_what_predict_wrote(self):
        s = self.server
        s.cli("dataset", "import", "cancer-lin", os.path.join(SKLEARN_DATA, "breast_cancer.csv"))
        run = s.cli("run", "--wait", self.pipeline("linear-export", """
name: linear-export
nodes:
  load: {operator: dataset-load, params: {dataset: cancer-lin}}
  scale: {operator: standardize, inputs: {table: load.table}}
  train: {operator: logistic-regression, inputs: {train: scale.table}}
  score: {operator: predict, inputs: {table: load.table, model: train.model}}
  evaluate: {operator: evaluate, inputs: {model: train.model, test: load.table}}
  register: {operator: register-model, inputs: {model: train.model, metrics: evaluate.metrics}, params: {name: cancer-lin}}
  forest: {operator: sklearn-random-forest, inputs: {train: load.table}, params: {n_estimators: 5}}
  register_py: {operator: register-model, inputs: {model: forest.model, metrics: forest.metrics}, params: {name: cancer-py}}
""")).stdout
        self.assertIn("succeeded", run.splitlines()[-1])
        rows = self.artifact_rows(self.task_of(run, "score")["outputs"]["table"])
        work = tempfile.mkdtemp(prefix="tandem-export-", dir=self.work)
        scored = os.path.join(work, "scored.csv")
        with open(scored, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            writer.writeheader()
            writer.writerows(rows)
        py_dir = os.path.join(work, "cancer_lin")
        s.cli("model", "export", "cancer-lin:1", "--format", "python", "-o", py_dir)
        code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import cancer_lin;"
                "m = cancer_lin.load(); print(json.dumps([m.classes, m.predict_csv(sys.argv[2])]))")
        out = subprocess.run(["/usr/bin/python3", "-c", code, work, scored], capture_output=True,
                             text=True, check=True).stdout
        classes, exported = json.loads(out)
        self.assertEqual(len(exported), 569)
        # Raw rows through the exported chain and model: predict's numbers, to the float.
        for row, probs in zip(rows, exported):
            self.assertEqual([float(row["prediction_" + c]) for c in classes], probs)
        refused = s.cli("model", "export", "cancer-py:1", "-o", os.path.join(work, "py"), check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("covers xgboost, linear, kmeans models; this version is 'python'", refused.stderr)
        self.assertFalse(os.path.exists(os.path.join(work, "py")))

    def test_a_model_evaluate_cannot_read_is_refused_at_validation(self):
        s = self.server
        refused = s.cli("run", self.pipeline("kmeans-eval", """
name: kmeans-eval
nodes:
  load: {operator: dataset-load, params: {dataset: iris}}
  cluster: {operator: kmeans, inputs: {train: load.table}, params: {k: 3}}
  evaluate: {operator: evaluate, inputs: {model: cluster.model, test: load.table}}
"""), check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("nodes.evaluate.inputs.model: format mismatch: 'cluster.model' is a kmeans model",
                      refused.stderr)

    def test_train_template_passes_its_tests_and_init_help_names_the_environment(self):
        s = self.server
        folder = os.path.join(self.work, "my-trainer")
        s.cli("operator", "init", "my-trainer", "--template", "train", "--dir", folder)
        tested = s.cli("operator", "test", folder).stdout
        self.assertIn("all 2 tests passed", tested)
        self.assertIn("TANDEM_INPUT_<PORT>", s.cli("operator", "init", "--help").stdout)
        # Published, it trains in a pipeline and its model is served by the python backend.
        s.cli("operator", "publish", folder)
        s.cli("dataset", "import", "iris-trainer", os.path.join(SKLEARN_DATA, "iris.csv"))
        run = s.cli("run", "--wait", self.pipeline("trainer", """
name: iris-my-trainer
nodes:
  load: {operator: dataset-load, params: {dataset: iris-trainer}}
  split: {operator: split, inputs: {table: load.table}, params: {test_fraction: 0.3, seed: 7, stratify: true}}
  fit: {operator: my-trainer, inputs: {train: split.train, test: split.test}}
  register: {operator: register-model, inputs: {model: fit.model, metrics: fit.metrics}, params: {name: iris-mine}}
"""))
        self.assertIn("succeeded", run.stdout.splitlines()[-1], run.stdout)
        self.assertIn("ready", s.cli("service", "deploy", "iris-mine", "--name", "iris-mine").stdout)
        try:
            rows = sklearn_rows("iris.csv", 150)
            status, resp = s.api("POST", "/v2/models/iris-mine/infer",
                                 infer_body([features for features, _ in rows]))
            self.assertEqual(status, 200, resp)
            names = next(o for o in resp["outputs"] if o["name"] == "class")["data"]
            classes = ["setosa", "versicolor", "virginica"]
            correct = sum(1 for n, (_, label) in zip(names, rows) if n == classes[int(label)])
            self.assertGreaterEqual(correct / len(rows), 0.9)
        finally:
            s.cli("service", "stop", "iris-mine", check=False)

    def test_wine_cleaned_and_scaled_model_serves_raw_rows(self):
        s = self.server
        s.cli("dataset", "import", "wine", os.path.join(SKLEARN_DATA, "wine_data.csv"))
        run = s.cli("run", "--wait", os.path.join(REPO, "examples", "wine-clean-gbdt.yaml"))
        self.assertIn("succeeded", run.stdout.splitlines()[-1])
        status, model = s.api("GET", "/api/v1/models/wine")
        self.assertGreaterEqual(model["versions"][-1]["metrics"]["accuracy"], 0.9)
        self.assertIn("ready", s.cli("service", "deploy", "wine", "--name", "wine").stdout)
        try:
            # Raw, unscaled rows, as the CSV has them: the service replays the fitted chain.
            rows = sklearn_rows("wine_data.csv", 178)
            body = infer_body([features for features, _ in rows])
            body["inputs"][0]["datatype"] = "FP64"
            status, resp = s.api("POST", "/v2/models/wine/infer", body)
            self.assertEqual(status, 200, resp)
            probs = resp["outputs"][0]["data"]
            k = len(probs) // len(rows)
            predicted = [max(range(k), key=lambda c: probs[i * k + c]) for i in range(len(rows))]
            correct = sum(1 for p, (_, label) in zip(predicted, rows) if p == int(label))
            self.assertGreaterEqual(correct / len(rows), 0.95)
        finally:
            s.cli("service", "stop", "wine", check=False)

    def test_operator_form_and_show_come_from_the_schema(self):
        s = self.server
        shown = s.cli("operator", "show", "split").stdout
        self.assertIn("test_fraction", shown)
        self.assertIn("exclusiveMaximum=1", shown)
        # Answers in schema order (seed, stratify, test_fraction): a bad one is asked again.
        form = s.cli("operator", "form", "split", input="3\nyes\n1.5\n0.2\n")
        self.assertIn("test_fraction: must be < 1, got 1.5", form.stderr)
        self.assertEqual(form.stdout, "seed: 3\nstratify: true\ntest_fraction: 0.2\n")
        status, op = s.api("GET", "/api/v1/operators/sklearn-svm")
        self.assertEqual(op["params"]["properties"]["kernel"]["default"], "rbf")
        self.assertEqual(op["ui"]["label"]["ui:widget"], "column-picker")


if __name__ == "__main__":
    unittest.main(verbosity=2)
