"""Serving through the real binary: each bundled python operator's model (trained on
sklearn's real data sets) deployed and answering what the model itself predicts, by
class name; raw rows with nulls, left-out optional columns, unseen categories and
numbers for text columns (warnings, counted per replica, or refused under
--strict-inputs); and deploy onto a serving name refused without --replace."""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, SKLEARN_DATA, Tandem, infer_body, sklearn_rows  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))

TRAIN = """name: {name}
nodes:
  load:     {{operator: dataset-load, params: {{dataset: {dataset}}}}}
  split:    {{operator: split, inputs: {{table: load.table}}, params: {{test_fraction: 0.25, seed: 7, stratify: true}}}}
  fit:      {{operator: {operator}, inputs: {{train: split.train, test: split.test}}, params: {params}}}
  register: {{operator: register-model, inputs: {{model: fit.model, metrics: fit.metrics}}, params: {{name: {name}}}}}
"""

# Iris with a text column (site) and gaps, so the forest is served behind fitted
# impute and one-hot steps and takes raw rows.
RAW = """name: flowers
nodes:
  load:     {operator: dataset-load, params: {dataset: flowers}}
  impute:   {operator: impute, inputs: {table: load.table}, params: {strategy: median}}
  onehot:   {operator: one-hot, inputs: {table: impute.table}}
  split:    {operator: split, inputs: {table: onehot.table}, params: {test_fraction: 0.25, seed: 7, stratify: true}}
  fit:      {operator: sklearn-random-forest, inputs: {train: split.train, test: split.test}, params: {n_estimators: 30, seed: 1}}
  register: {operator: register-model, inputs: {model: fit.model, metrics: fit.metrics}, params: {name: flowers}}
"""

# Runs the served model file itself on the same rows (as float32, what the service
# decodes FP32 into): the reference the service must match.
PREDICT_DIRECTLY = r"""
import importlib.machinery, importlib.util, json, sys
import numpy as np
path, rows = sys.argv[1], json.load(open(sys.argv[2]))
loader = importlib.machinery.SourceFileLoader("model", path)
spec = importlib.util.spec_from_file_location("model", path, loader=loader)
model = importlib.util.module_from_spec(spec)
loader.exec_module(model)
out = model.predict({"input": np.asarray(rows, dtype=np.float32)})
print(json.dumps(np.asarray(out["probabilities"], dtype=np.float64).ravel().tolist()))
"""


def bundled_model_operators():
    """The bundled operators (operators/*) that train a model, by their manifests."""
    found = []
    root = os.path.join(REPO, "operators")
    for name in sorted(os.listdir(root)):
        manifest = os.path.join(root, name, "operator.yaml")
        if not os.path.exists(manifest):
            continue
        with open(manifest) as f:
            text = f.read()
        if re.search(r"^category: train$", text, re.M) and re.search(r"^  model: \{type: model[,}]", text, re.M):
            found.append(name)
    return found


def iris_classes():
    with open(os.path.join(SKLEARN_DATA, "iris.csv")) as f:
        return f.readline().strip().split(",")[2:]


class PythonServing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Tandem(BINARY)
        cls.server.start(timeout=180)  # the bundled operators' tests run on first start
        cls.work = tempfile.mkdtemp(prefix="tandem-pyserve-")
        s = cls.server
        s.cli("dataset", "import", "iris", os.path.join(SKLEARN_DATA, "iris.csv"))
        s.cli("dataset", "import", "breast_cancer", os.path.join(SKLEARN_DATA, "breast_cancer.csv"))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.kill_replicas()
        shutil.rmtree(cls.work, ignore_errors=True)

    def run_pipeline(self, name, text):
        path = os.path.join(self.work, name + ".yaml")
        with open(path, "w") as f:
            f.write(text)
        run = self.server.cli("run", "--wait", path)
        self.assertIn("succeeded", run.stdout.splitlines()[-1], run.stdout)

    def infer(self, service, body, status=200):
        code, resp = self.server.api("POST", f"/v2/models/{service}/infer", body)
        self.assertEqual(code, status, resp)
        return resp

    @staticmethod
    def output(resp, name):
        return next(o for o in resp["outputs"] if o["name"] == name)["data"]

    def test_1_each_bundled_python_operator_serves_what_its_model_predicts(self):
        s = self.server
        operators = bundled_model_operators()
        self.assertTrue({"sklearn-random-forest", "sklearn-svm"} <= set(operators), operators)
        # Each on a multi-class and a binary data set, with its default params.
        cases = [(op, dataset, csv_name) for op in operators
                 for dataset, csv_name in [("iris", "iris.csv"), ("breast_cancer", "breast_cancer.csv")]]
        for operator, dataset, csv_name in cases:
            with self.subTest(operator=operator, dataset=dataset):
                name = operator.replace("sklearn-", "py-") + ("" if dataset == "iris" else "-cancer")
                self.run_pipeline(name, TRAIN.format(name=name, dataset=dataset,
                                                     operator=operator, params="{}"))
                code, model = s.api("GET", f"/api/v1/models/{name}")
                self.assertEqual(code, 200, model)
                version = model["versions"][-1]
                self.assertEqual(version["format"], "python")
                out = s.cli("service", "deploy", name, "--name", name).stdout
                self.assertIn("ready", out)

                rows = sklearn_rows(csv_name, 1000)  # every row of the data set
                features = [r[0] for r in rows]
                resp = self.infer(name, infer_body(features))
                probs = self.output(resp, "probabilities")
                classes = self.output(resp, "class")
                labels = self.output(resp, "label")
                self.assertEqual(len(classes), len(rows))
                self.assertNotIn("warnings", resp)

                # The model file as stored, run directly on the same rows.
                code, artifact = s.api("GET", f"/api/v1/models/{name}/versions/{version['version']}/artifact",
                                       raw=True)
                self.assertEqual(code, 200)
                model_file = os.path.join(self.work, name + "-model")  # no .py, as stored
                with open(model_file, "wb") as f:
                    f.write(artifact)
                rows_file = os.path.join(self.work, name + "-rows.json")
                with open(rows_file, "w") as f:
                    json.dump(features, f)
                direct = subprocess.run(["/usr/bin/python3", "-c", PREDICT_DIRECTLY, model_file, rows_file],
                                        capture_output=True, text=True, check=True)
                expected = json.loads(direct.stdout)
                self.assertEqual(len(probs), len(expected))
                for got, want in zip(probs, expected):
                    self.assertAlmostEqual(got, want, places=6)

                # Class names follow the most probable class, and they are right.
                code, described = s.api("GET", f"/api/v1/models/{name}/versions/{version['version']}")
                self.assertEqual(code, 200, described)
                names = described["artifact"]["meta"]["classes"]
                k = len(probs) // len(rows)
                for i, label in enumerate(labels):
                    row = probs[i * k:(i + 1) * k]
                    self.assertEqual(label, row.index(max(row)))
                correct = sum(1 for label, (_, truth) in zip(labels, rows) if label == int(truth))
                self.assertGreaterEqual(correct / len(rows), 0.9)
                self.assertEqual(classes, [names[i] for i in labels])
                if dataset == "iris":
                    self.assertEqual(sorted(set(classes)), iris_classes())
                s.cli("service", "stop", name)

    def test_2_raw_rows_missing_values_unseen_categories_and_strict_checking(self):
        s = self.server
        path = os.path.join(self.work, "flowers.csv")
        species = iris_classes()
        truth = []
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["sepal_length", "sepal_width", "petal_length", "petal_width", "site", "species"])
            for i, (x, label) in enumerate(sklearn_rows("iris.csv", 150)):
                row = [str(v) for v in x] + ["north" if i % 2 else "south", species[int(label)]]
                if i % 10 == 3:
                    row[1] = ""  # gaps the fitted impute fills
                w.writerow(row)
                truth.append((x, row[4], species[int(label)]))
        s.cli("dataset", "import", "flowers", path, "--label", "species")
        self.run_pipeline("flowers", RAW)
        s.cli("service", "deploy", "flowers", "--name", "flowers")

        def columns(rows, site=True, nulls=()):
            body = {"inputs": []}
            for c, name in enumerate(["sepal_length", "sepal_width", "petal_length", "petal_width"]):
                data = [None if (r, c) in nulls else x[c] for r, (x, _, _) in enumerate(rows)]
                body["inputs"].append({"name": name, "datatype": "FP64", "shape": [len(rows)], "data": data})
            if site:
                body["inputs"].append({"name": "site", "datatype": "BYTES", "shape": [len(rows)],
                                       "data": [site for _, site, _ in rows]})
            return body

        # Raw columns, with nulls in a numeric column: answered by class name.
        resp = self.infer("flowers", columns(truth, nulls={(0, 1), (5, 0), (7, 1)}))
        self.assertNotIn("warnings", resp)
        classes = self.output(resp, "class")
        correct = sum(1 for c, (_, _, want) in zip(classes, truth) if c == want)
        self.assertGreaterEqual(correct / len(truth), 0.9)
        # The optional (imputed) site column left out.
        resp = self.infer("flowers", columns(truth[:20], site=False))
        self.assertEqual(len(self.output(resp, "class")), 20)
        self.assertNotIn("warnings", resp)

        # An unseen category and a number for the text column: answered, with warnings.
        body = columns(truth[:3])
        body["inputs"][-1]["data"] = ["north", "east", "south"]
        resp = self.infer("flowers", body)
        self.assertEqual(len(resp["warnings"]), 1, resp)
        self.assertTrue(resp["warnings"][0].startswith("input 'site' row 1: category 'east' was not "
                                                       "seen in training"), resp["warnings"])
        body["inputs"][-1] = {"name": "site", "datatype": "FP64", "shape": [3], "data": [7, None, 7]}
        resp = self.infer("flowers", body)
        self.assertIn("input 'site' row 0: a number (7) for a text column; read as the text '7'",
                      resp["warnings"])
        # Counted per replica, shown by the service's status.
        code, svc = s.api("GET", "/api/v1/services/flowers")
        self.assertEqual(code, 200)
        self.assertEqual(svc["input_warnings"], 1 + 4)
        self.assertEqual(svc["replicas"][0]["input_warnings"], 5)
        self.assertIn("INPUT WARNINGS", s.cli("service", "show", "flowers").stdout)
        listed = [line.split() for line in s.cli("service", "list").stdout.splitlines()]
        self.assertIn("5", next(cells for cells in listed if cells and cells[0] == "flowers"))

        # Strict: the same guesses are refused, naming the input and row.
        s.cli("service", "deploy", "flowers", "--name", "flowers-strict", "--strict-inputs")
        body = columns(truth[:3])
        body["inputs"][-1]["data"] = ["north", "east", "south"]
        resp = self.infer("flowers-strict", body, status=400)
        self.assertTrue(resp["error"].startswith("input 'site' row 1: category 'east' was not seen"),
                        resp["error"])
        self.assertIn("checks inputs strictly", resp["error"])
        self.assertEqual(len(self.output(self.infer("flowers-strict", columns(truth[:3])), "class")), 3)
        code, svc = s.api("GET", "/api/v1/services/flowers-strict")
        self.assertTrue(svc["strict_inputs"])

    def test_3_deploy_onto_a_serving_name_needs_replace(self):
        s = self.server
        s.cli("service", "deploy", "py-random-forest", "--name", "fair")
        again = s.cli("service", "deploy", "py-svm", "--name", "fair", check=False)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("service fair exists", again.stderr)
        self.assertIn("use 'tandem service update fair --model MODEL'", again.stderr)
        code, body = s.api("POST", "/api/v1/services", {"name": "fair", "model": "py-svm"})
        self.assertEqual(code, 409, body)
        code, svc = s.api("GET", "/api/v1/services/fair")
        self.assertEqual(svc["model"], "py-random-forest")  # left as it was
        out = s.cli("service", "deploy", "py-svm", "--name", "fair", "--replace").stdout
        self.assertIn("model py-svm", out)
        code, svc = s.api("GET", "/api/v1/services/fair")
        self.assertEqual((svc["model"], svc["state"]), ("py-svm", "ready"))


if __name__ == "__main__":
    unittest.main()
