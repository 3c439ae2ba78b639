"""A new user's day with their own data, through the real binary: statsmodels' `fair`
and `anes96` data sets (Debian's python3-statsmodels) exported as CSV and made messy
the way a real export is (text categories, missing cells), then imputed, one-hot
encoded, learned by XGBoost and by the bundled scikit-learn random forest, evaluated
alike, compared, deployed, and asked about raw rows with text categories and nulls.
anes96 is imported twice with different labels: the second run must learn the second
label (the cache once reused the first)."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, Tandem  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))
# statsmodels is Debian's, so the system interpreter reads it whatever python runs this.
SYSTEM_PYTHON = "/usr/bin/python3"

EXPORT = r'''
import csv, random, sys
import statsmodels.api as sm
which, path = sys.argv[1], sys.argv[2]
rng = random.Random(11)
if which == "fair":
    data = sm.datasets.fair.load_pandas().data
    occupations = {1: "student", 2: "farming", 3: "white-collar", 4: "teacher",
                   5: "professional", 6: "manager"}
    religion = {1: "not", 2: "mildly", 3: "fairly", 4: "strongly"}
    columns = ["rate_marriage", "age", "yrs_married", "children", "religious", "educ",
               "occupation", "occupation_husb", "had_affair"]
    rows = []
    for r in data.itertuples():
        row = {"rate_marriage": int(r.rate_marriage), "age": r.age, "yrs_married": r.yrs_married,
               "children": r.children, "religious": religion[int(r.religious)],
               "educ": int(r.educ), "occupation": occupations[int(r.occupation)],
               "occupation_husb": int(r.occupation_husb),
               "had_affair": "yes" if r.affairs > 0 else "no"}
        for c in ("age", "educ", "occupation", "religious"):
            if rng.random() < 0.03:
                row[c] = ""
        rows.append(row)
else:
    data = sm.datasets.anes96.load_pandas().data
    columns = ["popul", "TVnews", "selfLR", "ClinLR", "DoleLR", "PID", "age", "educ",
               "income", "vote"]
    rows = [{c: (int(v) if float(v).is_integer() else v) for c, v in zip(columns, r)}
            for r in data[columns].itertuples(index=False)]
with open(path, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=columns)
    w.writeheader()
    w.writerows(rows)
'''

FAIR_PIPELINE = """name: fair-messy
nodes:
  load:      {operator: dataset-load, params: {dataset: fair}}
  impute:    {operator: impute, inputs: {table: load.table}, params: {strategy: median}}
  onehot:    {operator: one-hot, inputs: {table: impute.table}}
  split:     {operator: split, inputs: {table: onehot.table}, params: {test_fraction: 0.25, seed: 7, stratify: true}}
  xgb:       {operator: xgboost-train, inputs: {train: split.train}, params: {objective: "binary:logistic", num_rounds: 60, max_depth: 3}}
  forest:    {operator: sklearn-random-forest, inputs: {train: split.train}, params: {n_estimators: 60, max_depth: 8, seed: 1}}
  eval_xgb:  {operator: evaluate, inputs: {model: xgb.model, test: split.test}}
  eval_rf:   {operator: evaluate, inputs: {model: forest.model, test: split.test}}
  reg_xgb:   {operator: register-model, inputs: {model: xgb.model, metrics: eval_xgb.metrics}, params: {name: fair}}
  reg_rf:    {operator: register-model, inputs: {model: forest.model, metrics: eval_rf.metrics}, params: {name: fair}}
"""

ANES_PIPELINE = """name: anes
nodes:
  load:     {operator: dataset-load, params: {dataset: anes96}}
  split:    {operator: split, inputs: {table: load.table}, params: {test_fraction: 0.25, seed: 3}}
  train:    {operator: xgboost-train, inputs: {train: split.train}, params: {num_rounds: 30, max_depth: 3}}
  evaluate: {operator: evaluate, inputs: {model: train.model, test: split.test}}
  register: {operator: register-model, inputs: {model: train.model, metrics: evaluate.metrics}, params: {name: anes}}
"""

# Raw rows as a user sends them: text categories, a null number, a null category.
RAW_ROWS = [
    {"rate_marriage": 5, "age": 27.0, "yrs_married": 2.5, "children": 0.0, "religious": "fairly",
     "educ": 16, "occupation": "teacher", "occupation_husb": 5},
    {"rate_marriage": 2, "age": None, "yrs_married": 16.5, "children": 3.0, "religious": "not",
     "educ": 12, "occupation": "white-collar", "occupation_husb": 4},
    {"rate_marriage": 3, "age": 32.0, "yrs_married": 9.0, "children": 2.0, "religious": None,
     "educ": 14, "occupation": None, "occupation_husb": 2},
]
TEXT_COLUMNS = {"religious", "occupation"}


def raw_body(rows):
    inputs = []
    for column in rows[0]:
        values = [r[column] for r in rows]
        inputs.append({"name": column, "shape": [len(rows)],
                       "datatype": "BYTES" if column in TEXT_COLUMNS else "FP64", "data": values})
    return {"inputs": inputs}


class StatsmodelsData(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Tandem(BINARY)
        cls.server.start()
        cls.csv = {}
        for which in ("fair", "anes96"):
            path = os.path.join(cls.server.data_dir, which + ".csv")
            subprocess.run([SYSTEM_PYTHON, "-c", EXPORT, which, path], check=True)
            cls.csv[which] = path

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.kill_replicas()

    def pipeline(self, name, text):
        path = os.path.join(self.server.data_dir, name + ".yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def run_pipeline(self, path):
        run = self.server.cli("run", path, "--wait", timeout=900)
        self.assertIn("succeeded", run.stdout.splitlines()[-1], run.stdout)

    def test_messy_fair_two_learners_compared_deployed_and_answering_raw_rows(self):
        s = self.server
        imported = s.cli("dataset", "import", "fair", self.csv["fair"], "--label", "had_affair")
        self.assertIn("label had_affair (classification)", imported.stdout)
        self.run_pipeline(self.pipeline("fair", FAIR_PIPELINE))

        status, model = s.api("GET", "/api/v1/models/fair")
        self.assertEqual(status, 200, model)
        versions = {v["format"]: v for v in model["versions"]}
        self.assertEqual(set(versions), {"xgboost", "python"})
        # Both evaluated by the same operator: the same metric names, real values.
        for fmt, v in versions.items():
            for metric in ("accuracy", "f1", "precision", "recall", "roc_auc", "log_loss"):
                self.assertIn(metric, v["metrics"], fmt)
            self.assertGreater(v["metrics"]["accuracy"], 0.68, fmt)  # 67.8 % say "no"
            self.assertGreater(v["metrics"]["roc_auc"], 0.65, fmt)

        a, b = sorted(v["version"] for v in versions.values())
        compared = s.cli("model", "compare", "fair", str(a), str(b)).stdout
        self.assertLess(len(compared), 8000, compared)
        for line in compared.splitlines():
            if line.split() and line.split()[0] in ("accuracy", "f1", "roc_auc", "log_loss"):
                self.assertEqual(len(line.split()), 4, line)  # metric, a, b, difference

        for fmt, v in versions.items():
            name = "fair-" + fmt
            deployed = s.cli("service", "deploy", f"fair:{v['version']}", "--name", name)
            self.assertIn("ready", deployed.stdout)
            status, resp = s.api("POST", f"/v2/models/{name}/infer", raw_body(RAW_ROWS))
            self.assertEqual(status, 200, resp)
            outputs = {o["name"]: o for o in resp["outputs"]}
            labels = [o for o in resp["outputs"] if o["datatype"] == "BYTES"]
            self.assertEqual(len(labels), 1, resp)
            self.assertEqual(len(labels[0]["data"]), len(RAW_ROWS))
            self.assertTrue(set(labels[0]["data"]) <= {"yes", "no"}, resp)
            # A happily married teacher of 27 after 2.5 years: "no" by both learners.
            self.assertEqual(labels[0]["data"][0], "no", (fmt, outputs))
            # An unseen category is answered, with a warning naming it.
            bad = [dict(RAW_ROWS[0], occupation="astronaut")]
            status, resp = s.api("POST", f"/v2/models/{name}/infer", raw_body(bad))
            self.assertEqual(status, 200, resp)
            self.assertIn("astronaut", json.dumps(resp.get("warnings", [])), resp)

        again = s.cli("service", "deploy", f"fair:{a}", "--name", "fair-xgboost", check=False)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("service fair-xgboost exists", again.stderr)
        for fmt in versions:
            s.cli("service", "stop", "fair-" + fmt)

    def test_anes96_imported_again_with_another_label_learns_that_label(self):
        s = self.server
        s.cli("dataset", "import", "anes96", self.csv["anes96"], "--label", "vote")
        path = self.pipeline("anes", ANES_PIPELINE)
        self.run_pipeline(path)
        s.cli("dataset", "import", "anes96", self.csv["anes96"], "--label", "PID")
        self.run_pipeline(path)
        status, model = s.api("GET", "/api/v1/models/anes")
        first, second = model["versions"][0], model["versions"][1]
        # The label is what the model predicts, so it is the one column not among its features.
        self.assertIn("PID", first["signature"]["features"])
        self.assertNotIn("vote", first["signature"]["features"])
        self.assertIn("vote", second["signature"]["features"])
        self.assertNotIn("PID", second["signature"]["features"])
        self.assertEqual(len(second["signature"]["classes"]), 7)  # strong Democrat .. strong Republican
        run = s.cli("run", "list").stdout
        self.assertNotIn("cached", s.cli("run", "show", run.splitlines()[1].split()[0]).stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
