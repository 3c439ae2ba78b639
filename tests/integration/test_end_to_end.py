"""The whole path through the real binary: a CSV becomes a trained model behind a live
API, for a binary, a multiclass and a regression data set, and survives kill -9."""
import os
import shutil
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, SKLEARN_DATA, Tandem, infer_body, sklearn_rows  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))
EXAMPLES = os.path.join(REPO, "examples")


def metrics_of(server, model):
    status, body = server.api("GET", f"/api/v1/models/{model}")
    assert status == 200, body
    return body["versions"][-1]["metrics"]


class EndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Tandem(BINARY)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.kill_replicas()

    def import_and_run(self, dataset, csv, pipeline):
        s = self.server
        out = s.cli("dataset", "import", dataset, os.path.join(SKLEARN_DATA, csv)).stdout
        self.assertIn(f"imported dataset {dataset} version", out)
        run = s.cli("run", os.path.join(EXAMPLES, pipeline), "--wait")
        run_id = run.stdout.splitlines()[0].strip()
        self.assertIn("succeeded", run.stdout.splitlines()[-1])
        status, body = s.api("GET", f"/api/v1/runs/{run_id}")
        self.assertEqual(status, 200)
        self.assertEqual(body["state"], "succeeded")
        self.assertEqual([t["state"] for t in body["tasks"]], ["succeeded"] * 5)
        return run_id

    def test_binary_classification_path(self):
        s = self.server
        run_id = self.import_and_run("breast_cancer", "breast_cancer.csv", "cancer-gbdt.yaml")
        m = metrics_of(s, "cancer")
        self.assertGreaterEqual(m["accuracy"], 0.93)
        self.assertGreaterEqual(m["roc_auc"], 0.95)
        status, model = s.api("GET", "/api/v1/models/cancer")
        lineage = model["versions"][-1]["lineage"]
        self.assertEqual(lineage["run_id"], run_id)
        self.assertEqual(lineage["dataset"]["name"], "breast_cancer")

        out = s.cli("service", "deploy", "cancer", "--name", "cancer").stdout
        self.assertIn("ready", out)
        rows = sklearn_rows("breast_cancer.csv", 40)
        status, resp = s.api("POST", "/v2/models/cancer/infer", infer_body([r[0] for r in rows]))
        self.assertEqual(status, 200, resp)
        probs = next(o for o in resp["outputs"] if o["name"] == "probabilities")
        self.assertEqual(probs["shape"], [40, 2])
        correct = sum(1 for i, (_, y) in enumerate(rows)
                      if (probs["data"][2 * i + 1] > 0.5) == (y == 1))
        self.assertGreaterEqual(correct, 36)

        good = infer_body([rows[0][0]])
        bad_requests = {
            "bad json": b"{\"inputs\": [",
            "wrong shape": {"inputs": [{"name": "input", "shape": [1, 29], "datatype": "FP32",
                                        "data": rows[0][0][:29]}]},
            "wrong datatype": {"inputs": [{"name": "input", "shape": [1, 30], "datatype": "BYTES",
                                           "data": ["x"] * 30}]},
            "length mismatch": {"inputs": [{"name": "input", "shape": [2, 30], "datatype": "FP32",
                                            "data": rows[0][0]}]},
            "no inputs": {"outputs": []},
        }
        for what, body in bad_requests.items():
            status, resp = s.api("POST", "/v2/models/cancer/infer", body)
            self.assertEqual(status, 400, f"{what}: {resp}")
            self.assertTrue(resp["error"], what)
            status, _ = s.api("POST", "/v2/models/cancer/infer", good)
            self.assertEqual(status, 200, f"replica down after {what}")
        status, _ = s.api("POST", "/v2/models/nosuch/infer", good)
        self.assertEqual(status, 404)
        self.assertEqual(s.api("GET", "/healthz")[0], 200)
        # The URL the demo prints for the REST API answers with where things are, and
        # every collection it names lists.
        status, index = s.api("GET", "/api/v1")
        self.assertEqual(status, 200, index)
        for name, url in index["collections"].items():
            self.assertEqual(s.api("GET", url)[0], 200, name)
        status, meta = s.api("GET", "/v2/models/cancer")
        self.assertEqual(status, 200)
        self.assertEqual(meta["inputs"][0]["shape"], [-1, 30])

    def test_multiclass_path(self):
        s = self.server
        self.import_and_run("iris", "iris.csv", "iris-gbdt.yaml")
        self.assertGreaterEqual(metrics_of(s, "iris")["accuracy"], 0.85)
        s.cli("service", "deploy", "iris:1", "--name", "iris")
        rows = sklearn_rows("iris.csv", 1, start=120)  # a virginica
        status, resp = s.api("POST", "/v2/models/iris/infer", infer_body([rows[0][0]]))
        self.assertEqual(status, 200, resp)
        probs = next(o for o in resp["outputs"] if o["name"] == "probabilities")
        self.assertEqual(probs["shape"], [1, 3])
        self.assertEqual(max(range(3), key=lambda k: probs["data"][k]), 2)

    def test_identical_rerun_is_cached_unless_no_cache(self):
        s = self.server
        s.cli("dataset", "import", "wine", os.path.join(SKLEARN_DATA, "wine_data.csv"))
        spec = os.path.join(s.data_dir, "wine.yaml")
        with open(spec, "w") as f:
            f.write("name: wine-split\nnodes:\n"
                    "  load: {operator: dataset-load, params: {dataset: wine}}\n"
                    "  split: {operator: split, inputs: {table: load.table}, params: {seed: 3}}\n")
        def states(*extra):
            run_id = s.cli("run", spec, "--wait", *extra).stdout.splitlines()[0]
            return [t["state"] for t in s.api("GET", f"/api/v1/runs/{run_id}")[1]["tasks"]]
        self.assertEqual(states(), ["succeeded", "succeeded"])
        self.assertEqual(states(), ["cached", "cached"])
        self.assertEqual(states("--no-cache"), ["succeeded", "succeeded"])

    def test_task_logs_read_and_stream(self):
        s = self.server
        s.cli("dataset", "import", "iris", os.path.join(SKLEARN_DATA, "iris.csv"))
        run = s.cli("run", os.path.join(EXAMPLES, "iris-gbdt.yaml"), "--wait", "--no-cache")
        run_id = run.stdout.splitlines()[0].strip()
        out = s.cli("run", "logs", run_id, "train").stdout
        self.assertIn("progress ", out)
        followed = s.cli("run", "logs", run_id, "train", "-f", timeout=60).stdout
        self.assertEqual(followed, out)
        self.assertIn("==> train (attempt 1) <==", s.cli("run", "logs", run_id).stdout)

        status, first = s.api("GET", f"/api/v1/runs/{run_id}/logs?node=train")
        self.assertEqual(status, 200, first)
        self.assertGreater(first["next_offset"], 0)
        self.assertEqual(first["attempt"], 1)
        self.assertEqual(first["data"], out)
        status, rest = s.api("GET", f"/api/v1/runs/{run_id}/logs?node=train"
                                    f"&offset={first['next_offset']}")
        self.assertEqual(status, 200, rest)
        self.assertEqual(rest["data"], "")
        self.assertTrue(rest["finished"])
        status, missing = s.api("GET", f"/api/v1/runs/{run_id}/logs?node=nosuch")
        self.assertEqual(status, 404)
        self.assertIn("nosuch", missing["error"])
        self.assertEqual(s.api("GET", "/api/v1/runs/nosuch/logs?node=train")[0], 404)

        url = f"{s.url}/api/v1/runs/{run_id}/logs/stream?node=train"
        with urllib.request.urlopen(url, timeout=30) as r:
            self.assertTrue(r.headers["Content-Type"].startswith("text/event-stream"))
            events = r.read().decode()
        self.assertIn("data: progress ", events)
        self.assertIn("event: end", events)
        self.assertIn(f"id: {first['next_offset']}", events)

    def test_regression_path(self):
        s = self.server
        self.import_and_run("boston", "boston_house_prices.csv", "boston-regression.yaml")
        m = metrics_of(s, "boston")
        self.assertGreaterEqual(m["r2"], 0.6)
        self.assertIn("rmse", m)
        s.cli("service", "deploy", "boston", "--name", "boston")
        rows = sklearn_rows("boston_house_prices.csv", 5)
        status, resp = s.api("POST", "/v2/models/boston/infer", infer_body([r[0] for r in rows]))
        self.assertEqual(status, 200, resp)
        preds = next(o for o in resp["outputs"] if o["name"] == "predictions")
        for (_, y), p in zip(rows, preds["data"]):
            self.assertLess(abs(p - y), 10.0)

    def test_bad_pipelines_are_refused_with_names(self):
        s = self.server
        cyclic = ("name: loop\nnodes:\n"
                  "  a: {operator: split, inputs: {table: b.train}}\n"
                  "  b: {operator: split, inputs: {table: a.train}}\n")
        status, body = s.api("POST", "/api/v1/runs", cyclic, "application/yaml")
        self.assertEqual(status, 400)
        self.assertIn("cycle", body["error"])
        self.assertIn("a", body["error"])
        unknown = "name: x\nnodes:\n  t: {operator: xgboost-trian}\n"
        status, body = s.api("POST", "/api/v1/runs", unknown, "application/yaml")
        self.assertEqual(status, 400)
        self.assertIn("xgboost-trian", body["error"])
        status, body = s.api("GET", "/api/v1/operators/xgboost-train")
        self.assertEqual(status, 200)
        self.assertIn("num_rounds", body["params"]["properties"])
        self.assertEqual(body["inputs"]["train"]["type"], "table")
        status, body = s.api("POST", "/api/v1/runs", "name: [unclosed", "application/yaml")
        self.assertEqual(status, 400)
        status, body = s.api("POST", "/api/v1/datasets?name=bad", "a,b\n1,2\n3\n", "text/csv")
        self.assertEqual(status, 400)
        self.assertIn("line 3", body["error"])
        self.assertEqual(s.api("GET", "/healthz")[0], 200)

    def test_csv_import_reads_only_the_import_folder(self):
        s = self.server
        os.makedirs(os.path.join(s.data_dir, "imports"), exist_ok=True)
        shutil.copy(os.path.join(SKLEARN_DATA, "wine_data.csv"), os.path.join(s.data_dir, "imports"))
        spec = os.path.join(s.data_dir, "import.yaml")
        with open(spec, "w") as f:
            f.write("name: wine-import\nnodes:\n  read: {operator: csv-import, params: {path: wine_data.csv}}\n")
        run_id = s.cli("run", spec, "--wait").stdout.splitlines()[0]
        task = s.api("GET", f"/api/v1/runs/{run_id}")[1]["tasks"][0]
        self.assertEqual(task["outputs"]["table"]["meta"]["rows"], 178)
        with open(spec, "w") as f:
            f.write("name: sneaky\nnodes:\n  read: {operator: csv-import, params: {path: /etc/passwd}}\n")
        run = s.cli("run", spec, "--wait", check=False)
        self.assertEqual(run.returncode, 1)
        self.assertIn("import folder", run.stdout)


class KillNine(unittest.TestCase):
    def test_nothing_lost_after_kill_9(self):
        server = Tandem(BINARY)
        server.start()
        try:
            server.cli("dataset", "import", "iris", os.path.join(SKLEARN_DATA, "iris.csv"))
            run_id = server.cli("run", os.path.join(EXAMPLES, "iris-gbdt.yaml"),
                                "--wait").stdout.splitlines()[0]
            server.cli("service", "deploy", "iris", "--name", "iris")
            before = {p: server.api("GET", p)[1] for p in
                      ["/api/v1/datasets", "/api/v1/runs", "/api/v1/models", "/api/v1/services"]}
            server.kill9()
            server.start()
            after = {p: server.api("GET", p)[1] for p in before}
            self.assertEqual(after["/api/v1/datasets"], before["/api/v1/datasets"])
            self.assertEqual(after["/api/v1/runs"], before["/api/v1/runs"])
            self.assertEqual(after["/api/v1/models"], before["/api/v1/models"])
            names = [(x["name"], x["model"], x["model_version"]) for x in after["/api/v1/services"]["services"]]
            self.assertEqual(names, [("iris", "iris", 1)])
            self.assertEqual(server.api("GET", f"/api/v1/runs/{run_id}")[1]["state"], "succeeded")
            rows = sklearn_rows("iris.csv", 2)
            status, resp = server.api("POST", "/v2/models/iris/infer", infer_body([r[0] for r in rows]))
            self.assertEqual(status, 200, resp)
        finally:
            server.stop()
            server.kill_replicas()


if __name__ == "__main__":
    unittest.main(verbosity=2)
