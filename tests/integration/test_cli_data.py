"""Data and CLI output through the real binary, on statsmodels' messy data sets: one
server per data dir (a second one is refused and leaves the first's replica alone);
model show / compare stay a page long; delimiters detected or given; ISO dates typed
as dates and turned into features that a service replays on raw dates; header-only
files and all-missing labels refused; a ragged file's bad lines listed one a line;
dataset show NAME:V with dates; tandem --version."""
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, SKLEARN_DATA, Tandem  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))
# statsmodels is a Debian package of the system python (scripts/setup.sh).
SYSTEM_PYTHON = "/usr/bin/python3"

CANCER = """name: cancer-{rounds}
nodes:
  load:     {{operator: dataset-load, params: {{dataset: breast_cancer}}}}
  split:    {{operator: split, inputs: {{table: load.table}}, params: {{test_fraction: 0.25, seed: 7, stratify: true}}}}
  train:    {{operator: xgboost-train, inputs: {{train: split.train}}, params: {{objective: "binary:logistic", num_rounds: {rounds}, max_depth: 3}}}}
  evaluate: {{operator: evaluate, inputs: {{model: train.model, test: split.test}}}}
  register: {{operator: register-model, inputs: {{model: train.model, metrics: evaluate.metrics}}, params: {{name: cancer}}}}
"""

CO2 = """name: co2-trend
nodes:
  load:     {operator: dataset-load, params: {dataset: co2}}
  clean:    {operator: drop-missing, inputs: {table: load.table}}
  dates:    {operator: date-features, inputs: {table: clean.table}, params: {parts: [year, month, day_of_year]}}
  split:    {operator: split, inputs: {table: dates.table}, params: {test_fraction: 0.2, seed: 3}}
  train:    {operator: xgboost-train, inputs: {train: split.train}, params: {objective: "reg:squarederror", num_rounds: 50, max_depth: 4}}
  evaluate: {operator: evaluate, inputs: {model: train.model, test: split.test}}
  register: {operator: register-model, inputs: {model: train.model, metrics: evaluate.metrics}, params: {name: co2}}
"""


def write_statsmodels_csvs(folder):
    """fair (';'), grunfeld (tab) and co2 (weekly ISO dates) as CSV files; None when
    statsmodels is not installed."""
    script = f"""
import statsmodels.api as sm
sm.datasets.fair.load_pandas().data.to_csv({folder!r} + '/fair.csv', sep=';', index=False)
sm.datasets.grunfeld.load_pandas().data.to_csv({folder!r} + '/grunfeld.csv', sep='\\t', index=False)
co2 = sm.datasets.co2.load_pandas().data
co2.index.name = 'week'
co2.to_csv({folder!r} + '/co2.csv')
"""
    try:
        p = subprocess.run([SYSTEM_PYTHON, "-c", script], capture_output=True, text=True, timeout=120)
    except OSError:
        return None
    return folder if p.returncode == 0 else None


class CliData(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.files = tempfile.mkdtemp(prefix="tandem-cli-data-")
        cls.statsmodels = write_statsmodels_csvs(cls.files)
        cls.server = Tandem(BINARY)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.kill_replicas()

    def write(self, name, text):
        path = os.path.join(self.files, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def train_cancer(self):
        s = self.server
        if s.api("GET", "/api/v1/models/cancer")[0] == 200:
            return
        s.cli("dataset", "import", "breast_cancer", os.path.join(SKLEARN_DATA, "breast_cancer.csv"))
        for rounds in (10, 30):
            spec = self.write(f"cancer-{rounds}.yaml", CANCER.format(rounds=rounds))
            run = s.cli("run", spec, "--wait")
            self.assertIn("succeeded", run.stdout.splitlines()[-1], run.stdout)

    def test_second_server_on_the_data_dir_is_refused_and_changes_nothing(self):
        s = self.server
        self.train_cancer()
        s.cli("service", "deploy", "cancer:1", "--name", "locked")
        before = s.api("GET", "/api/v1/services/locked")[1]
        replica_pids = sorted(r.get("pid") for r in before.get("replicas", []))
        second = Tandem(BINARY, data_dir=s.data_dir)
        started = time.time()
        p = subprocess.run([BINARY, "server", "--data-dir", s.data_dir, "--listen",
                            f"127.0.0.1:{second.port}"], capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(f"in use by pid {s.proc.pid}", p.stderr)
        self.assertLess(time.time() - started, 10)
        # The first server, its service and its replica are as they were.
        after = s.api("GET", "/api/v1/services/locked")[1]
        self.assertEqual(sorted(r.get("pid") for r in after.get("replicas", [])), replica_pids)
        self.assertEqual(after.get("state"), before.get("state"))
        with open(os.path.join(SKLEARN_DATA, "breast_cancer.csv")) as f:
            rows = [[float(v) for v in line.split(",")[:-1]] for line in f.read().splitlines()[1:3]]
        body = {"inputs": [{"name": "input", "shape": [2, 30], "datatype": "FP32",
                            "data": [v for r in rows for v in r]}]}
        status, resp = s.api("POST", "/v2/models/locked/infer", body)
        self.assertEqual(status, 200, resp)
        with open(os.path.join(s.data_dir, "tandem.lock")) as f:
            self.assertEqual(f.read().strip(), str(s.proc.pid))
        s.cli("service", "stop", "locked")

    def test_model_show_and_compare_stay_small(self):
        s = self.server
        self.train_cancer()
        one = s.cli("model", "show", "cancer:2").stdout
        self.assertLess(len(one), 4096, one)
        self.assertIn("roc_curve", one)
        self.assertIn("truth \\ predicted", one)  # the confusion matrix drawn as a table
        self.assertIn(" UTC", one)
        every = s.cli("model", "show", "cancer").stdout
        self.assertLess(len(every), 2048, every)
        compare = s.cli("model", "compare", "cancer", "1", "2").stdout
        self.assertLess(len(compare), 4096, compare)
        full = s.cli("model", "show", "cancer:2", "--json").stdout
        self.assertIn('"fpr"', full)  # --json keeps every curve
        self.assertGreater(len(full), len(one))
        s.cli("model", "alias", "set", "cancer", "production", "1")
        listed = s.cli("model", "list").stdout
        self.assertIn("(v1, production)", listed)
        print(f"\nmodel show cancer:2 {len(one)} B (--json {len(full)} B), model show cancer "
              f"{len(every)} B, model compare {len(compare)} B")

    def test_delimiters_detected_or_given(self):
        if not self.statsmodels:
            self.skipTest("python3-statsmodels is not installed")
        s = self.server
        out = s.cli("dataset", "import", "fair", os.path.join(self.files, "fair.csv"), "--label", "affairs").stdout
        self.assertIn("6366 rows, 9 columns", out)
        out = s.cli("dataset", "import", "grunfeld", os.path.join(self.files, "grunfeld.csv")).stdout
        self.assertIn("220 rows, 5 columns", out)
        piped = self.write("piped.txt", "a|b\n1|x\n2|y\n")
        out = s.cli("dataset", "import", "piped", piped, "--delimiter", "|").stdout
        self.assertIn("2 rows, 2 columns", out)
        bad = s.cli("dataset", "import", "piped", piped, "--delimiter", "::", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("delimiter:", bad.stderr)

    def test_dates_typed_and_replayed_by_a_service(self):
        if not self.statsmodels:
            self.skipTest("python3-statsmodels is not installed")
        s = self.server
        s.cli("dataset", "import", "co2", os.path.join(self.files, "co2.csv"), "--label", "co2")
        shown = s.cli("dataset", "show", "co2").stdout
        self.assertRegex(shown, r"week\s+date\s+0")
        self.assertRegex(shown, r"co2\s+number\s+59")
        spec = self.write("co2.yaml", CO2)
        run = s.cli("run", spec, "--wait")
        self.assertIn("succeeded", run.stdout.splitlines()[-1], run.stdout)
        s.cli("service", "deploy", "co2", "--name", "co2")
        body = {"inputs": [{"name": "week", "shape": [2], "datatype": "BYTES",
                            "data": ["1975-06-07", "2001-12-29"]}]}
        status, resp = s.api("POST", "/v2/models/co2/infer", body)
        self.assertEqual(status, 200, resp)
        ppm = resp["outputs"][0]["data"]
        self.assertTrue(320 < ppm[0] < 340 and 360 < ppm[1] < 380, ppm)  # the Mauna Loa trend
        s.cli("service", "stop", "co2")

    def test_bad_files_refused_with_every_problem_on_its_own_line(self):
        s = self.server
        header = self.write("header.csv", "a;b;c\n")
        p = s.cli("dataset", "import", "header-only", header, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("no data rows", p.stderr)
        unlabelled = self.write("unlabelled.csv", "x,y\n1,\n2,NA\n")
        p = s.cli("dataset", "import", "unlabelled", unlabelled, "--label", "y", check=False)
        self.assertIn("every value of column 'y' is missing", p.stderr)
        ragged = self.write("ragged.csv", "a,b\n" + "".join("1,2,3\n" if i % 2 == 0 else "1,2\n"
                                                            for i in range(60)))
        p = s.cli("dataset", "import", "ragged", ragged, check=False)
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 21, p.stderr)  # 20 lines named, then how many more
        self.assertEqual(lines[0], "error: ragged.csv: line 2: expected 2 fields, got 3")
        self.assertIn("10 more lines", lines[-1])

    def test_dataset_show_of_an_older_version_with_dates(self):
        s = self.server
        first = self.write("v1.csv", "名前,値\n东京,1\n大阪,2\n")
        second = self.write("v2.csv", "名前,値\n东京,1\n")
        s.cli("dataset", "import", "towns", first)
        s.cli("dataset", "import", "towns", second)
        old = s.cli("dataset", "show", "towns:1").stdout
        self.assertIn("version 1", old)
        self.assertIn("2 rows", old)
        self.assertRegex(old, r"created \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")
        latest = s.cli("dataset", "show", "towns").stdout
        self.assertIn("version 2", latest)
        listed = s.cli("dataset", "list").stdout
        self.assertNotRegex(listed, r"\d{13}")  # no epoch milliseconds
        self.assertIn('"created_ms"', s.cli("dataset", "show", "towns:1", "--json").stdout)
        missing = s.cli("dataset", "show", "towns:9", check=False)
        self.assertNotEqual(missing.returncode, 0)

    def test_version(self):
        p = subprocess.run([BINARY, "--version"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout.strip(), r"^tandem \d+\.\d+\.\d+")

    def test_a_server_url_with_a_trailing_slash_is_the_same_server(self):
        env = dict(os.environ, TANDEM_SERVER=self.server.url + "/")
        p = subprocess.run([BINARY, "dataset", "list"], capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("NAME", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
