"""Runs through the real binary and its CLI: the task cache follows a table's label,
`run --param` is read by declared type (and checked by the server), `run --wait` shows
retries and leaves the run going on Ctrl-C, and the run/event commands explain what
they did not do."""
import csv
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, Tandem  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))
# Fair's affairs survey (Fair 1978), as Debian's python3-statsmodels ships it.
FAIR_CSV = "/usr/lib/python3/dist-packages/statsmodels/datasets/fair/fair.csv"

TRAIN_YAML = """name: fair-gbdt
nodes:
  load:  {operator: dataset-load, params: {dataset: fair}}
  split: {operator: split, inputs: {table: load.table}, params: {test_fraction: 0.3, seed: 7}}
  train: {operator: xgboost-train, inputs: {train: split.train}, params: {num_rounds: 10}}
  evaluate: {operator: evaluate, inputs: {model: train.model, test: split.test}}
  register: {operator: register-model, inputs: {model: train.model, metrics: evaluate.metrics}, params: {name: fair}}
"""


def write_fair(path):
    """Every 10th row of fair.csv without `affairs`, with had_affair = 1 when it is > 0:
    a table with two labels to choose from (had_affair: 0/1, rate_marriage: 1..5)."""
    with open(FAIR_CSV) as f:
        rows = list(csv.reader(f))
    header = rows[0]
    affairs = header.index("affairs")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([h for h in header if h != "affairs"] + ["had_affair"])
        for r in rows[1::10]:
            w.writerow([v for i, v in enumerate(r) if i != affairs] + [1 if float(r[affairs]) > 0 else 0])


class RunsCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Tandem(BINARY)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def file(self, name, text):
        path = os.path.join(self.server.data_dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_a_new_label_on_the_same_csv_trains_a_new_model(self):
        s = self.server
        data = os.path.join(s.data_dir, "fair.csv")
        write_fair(data)
        spec = self.file("fair.yaml", TRAIN_YAML)
        s.cli("dataset", "import", "fair", data, "--label", "had_affair")
        s.cli("run", spec, "--wait")
        s.cli("dataset", "import", "fair", data, "--label", "rate_marriage")
        run_id = s.cli("run", spec, "--wait").stdout.splitlines()[0]
        # Nothing of the first run is reused: every task ran on the new label.
        self.assertEqual([t["state"] for t in self.server.run(run_id)["tasks"]], ["succeeded"] * 5)
        status, model = s.api("GET", "/api/v1/models/fair")
        self.assertEqual(status, 200, model)
        first, second = model["versions"][0], model["versions"][1]
        self.assertEqual(first["signature"]["classes"], ["0", "1"])
        self.assertEqual(second["signature"]["classes"], ["1", "2", "3", "4", "5"])
        self.assertNotIn("rate_marriage", second["signature"]["features"])
        self.assertIn("had_affair", second["signature"]["features"])
        self.assertEqual(second["lineage"]["dataset"]["version"], 2)

    def test_params_are_read_by_their_declared_types(self):
        s = self.server
        spec = self.file("gen.yaml", """name: params-demo
params:
  rows: {type: integer, default: 5}
  tag:  {type: string, default: x}
  frac: {type: number, default: 0.5}
  on:   {type: boolean, default: false}
nodes:
  read: {operator: csv-import, params: {path: "{{params.tag}}.csv"}}
""")
        # Submitted without --wait: the params are what is checked, not the run's fate.
        run_id = s.cli("run", spec, "--param", "rows=7", "--param", "tag=50",
                       "--param", "frac=1", "--param", "on=true").stdout.strip()
        self.assertEqual(self.server.run(run_id)["params"],
                         {"rows": 7, "tag": "50", "frac": 1, "on": True})
        bad = s.cli("run", spec, "--param", "rows=many", "--param", "rouns=3", check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("--param rows=many: expected integer, the param's declared type", bad.stderr)
        self.assertIn("--param rouns: unknown pipeline param (declared: frac, on, rows, tag)", bad.stderr)
        # The server checks them too: the API takes params beside the pipeline.
        with open(spec) as f:
            yaml = f.read()
        status, body = s.api("POST", "/api/v1/runs", {"pipeline": yaml, "params": {"rows": "7"}})
        self.assertEqual(status, 400, body)
        self.assertIn('params.rows: expected integer, got "7"', body["error"])
        status, body = s.api("POST", "/api/v1/runs", {"pipeline": yaml, "params": {"nope": 1}})
        self.assertEqual(status, 400, body)
        self.assertIn("params.nope: unknown pipeline param 'nope'", body["error"])
        status, body = s.api("POST", "/api/v1/runs", {"pipeline": yaml, "params": {"rows": 9}})
        self.assertEqual(status, 201, body)
        self.assertEqual(body["params"]["rows"], 9)
        # schedule create shares the reading: a string param keeps its digits.
        out = s.cli("schedule", "create", spec, "--on-event", "demo", "--param", "tag=007").stdout
        self.assertIn("schedule params-demo", out)
        status, sched = s.api("GET", "/api/v1/schedules/params-demo")
        self.assertEqual(sched["params"], {"tag": "007"})
        bad = s.cli("schedule", "create", spec, "--on-event", "demo", "--name", "other",
                    "--param", "on=yes", check=False)
        self.assertIn("--param on=yes: expected boolean, the param's declared type", bad.stderr)

    def test_wait_shows_each_failed_attempt_and_its_retry(self):
        s = self.server
        data = self.file("tiny.csv", "x,y\n1,0\n2,1\n3,0\n4,1\n")
        s.cli("dataset", "import", "tiny", data, "--label", "y")
        reason = "impute: params.columns: 'y' is the label"  # a bad param: fails every attempt

        def run_with_backoff(backoff):
            spec = self.file("retry.yaml", f"""name: retry-demo
nodes:
  load: {{operator: dataset-load, params: {{dataset: tiny}}}}
  fill: {{operator: impute, inputs: {{table: load.table}}, params: {{columns: [y]}}, retries: {{count: 1, backoff: {backoff}}}}}
""")
            run = s.cli("run", spec, "--wait", check=False)
            self.assertEqual(run.returncode, 1, run.stdout)
            self.assertIn("  fill: running (attempt 2)", run.stdout)
            self.assertIn(f"  fill: failed: exit code 2: {reason}", run.stdout)
            self.assertNotIn(": :", run.stdout)  # one colon after "exit code 2"
            return run.stdout

        # Seen while it waits for its retry: the error and when the retry comes.
        out = run_with_backoff("1s")
        self.assertIn(f"  fill: attempt 1 failed: exit code 2: {reason}", out)
        self.assertIn("; retrying in 1s (attempt 2 of 2)", out)
        # A retry quicker than the poll: the failure is still shown, from the attempt's stderr.
        out = run_with_backoff("1ms")
        self.assertRegex(out, "  fill: attempt 1 failed: (exit code 2: )?" + reason)

    def test_ctrl_c_leaves_the_run_going_and_says_how_to_follow_it(self):
        s = self.server
        spec = self.file("slow.yaml", """name: slow
nodes:
  a: {operator: profile, inputs: {table: b.table}}
  b: {operator: dataset-load, params: {dataset: slowdata}}
""")
        s.cli("dataset", "import", "slowdata", self.file("slow.csv", "x,y\n1,0\n2,1\n"), "--label", "y")
        p = subprocess.Popen([BINARY, "--server", s.url, "run", spec, "--wait"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        run_id = p.stdout.readline().strip()
        self.assertTrue(run_id.startswith("run-"), run_id)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 130)
        self.assertIn(f"run {run_id} goes on on the server; follow it with: tandem run show {run_id}"
                      f" / tandem run logs {run_id} -f", err)
        self.assertEqual(self.server.wait_run(run_id)["state"], "succeeded")

    def test_commands_say_what_they_did_not_do(self):
        s = self.server
        fired = s.cli("event", "fire", "nobody-listens")
        self.assertEqual(fired.stdout, "")
        self.assertIn("no schedule listens to event 'nobody-listens'; nothing was run", fired.stderr)
        listed = s.cli("run", "list", "--state", "bogus", check=False)
        self.assertEqual(listed.returncode, 1)
        self.assertIn("state: unknown run state 'bogus' (one of: pending, running, succeeded, failed, "
                      "cancelled)", listed.stderr)
        self.assertEqual(s.cli("run", "list", "--state", "succeeded").returncode, 0)


if __name__ == "__main__":
    unittest.main()
