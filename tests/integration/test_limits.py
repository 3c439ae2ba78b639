"""Issue 13's size limits, through the real binary: each reproduction (a 1M-column CSV,
a 20k-node pipeline, a huge tensor shape, an operator test that eats memory) is refused
with a 4xx (or a failed test) naming the limit, /healthz still answers, and the server's
peak RSS (VmHWM) stays under 512 MB."""
import io
import os
import sys
import tarfile
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, SKLEARN_DATA, Tandem  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))
RSS_BOUND_MIB = 512


def chain_pipeline(nodes):
    """A dataset-load then a chain of drop-missing nodes: `nodes` in all."""
    lines = ["name: big", "nodes:", "  n0: {operator: dataset-load, params: {dataset: iris}}"]
    for i in range(1, nodes):
        lines.append(f"  n{i}: {{operator: drop-missing, inputs: {{table: n{i - 1}.table}}}}")
    return "\n".join(lines) + "\n"


class Limits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Tandem(BINARY)
        cls.server.start()
        cls.server.cli("dataset", "import", "iris", os.path.join(SKLEARN_DATA, "iris.csv"))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.kill_replicas()

    def assert_alive_and_bounded(self):
        status, _ = self.server.api("GET", "/healthz")
        self.assertEqual(status, 200)
        self.assertLess(self.server.peak_rss_mib(), RSS_BOUND_MIB)

    def test_a_million_column_csv_is_refused_and_listings_carry_column_counts(self):
        s = self.server
        wide = ",".join(f"c{i}" for i in range(1_000_000)) + "\n" + ",".join("1" * 1_000_000) + "\n"
        status, resp = s.api("POST", "/api/v1/datasets?name=wide", wide, "text/csv")
        self.assertEqual(status, 400, resp)
        self.assertIn("line 1: more than 10000 columns (the limit per table)", resp["error"])
        big_field = "a,b\n1," + "x" * (1024 * 1024 + 1) + "\n"
        status, resp = s.api("POST", "/api/v1/datasets?name=field", big_field, "text/csv")
        self.assertEqual(status, 400, resp)
        self.assertIn("line 2, column 2: a field of more than 1048576 bytes", resp["error"])
        long_name = "a," + "n" * 2000 + "\n1,2\n"
        status, resp = s.api("POST", "/api/v1/datasets?name=named", long_name, "text/csv")
        self.assertEqual(status, 400, resp)
        self.assertIn("line 1, column 2: a column name of 2000 bytes (the limit is 1024)", resp["error"])

        status, listing = s.api("GET", "/api/v1/datasets")
        self.assertEqual(status, 200)
        iris = next(d for d in listing["datasets"] if d["name"] == "iris")
        self.assertEqual(iris["column_count"], 5)
        self.assertNotIn("columns", iris["schema"])
        status, shown = s.api("GET", "/api/v1/datasets/iris")
        self.assertEqual(len(shown["schema"]["columns"]), 5)
        listed = s.cli("dataset", "list").stdout
        self.assertRegex(listed, r"iris\s+1\s+150\s+5\s")
        self.assert_alive_and_bounded()

    def test_pipelines_over_the_limits_are_refused_and_a_big_one_submits_and_cancels(self):
        s = self.server
        huge = chain_pipeline(20_000)
        self.assertGreater(len(huge), 1024 * 1024)
        status, resp = s.api("POST", "/api/v1/runs", huge, content_type="application/yaml")
        self.assertEqual(status, 400, resp)
        self.assertIn("bytes is over the limit of 1048576", resp["error"])
        status, resp = s.api("POST", "/api/v1/runs", chain_pipeline(2001),
                             content_type="application/yaml")
        self.assertEqual(status, 400, resp)
        self.assertIn("nodes: 2001 nodes is over the limit of 2000", resp["error"])

        started = time.monotonic()
        status, run = s.api("POST", "/api/v1/runs", chain_pipeline(2000),
                            content_type="application/yaml")
        submit_s = time.monotonic() - started
        self.assertEqual(status, 201, run)
        print(f"\n2000-node pipeline: submit {submit_s * 1000:.0f} ms", file=sys.stderr)
        self.assertLess(submit_s, 10)
        started = time.monotonic()
        status, small = s.api("POST", "/api/v1/runs", chain_pipeline(2),
                              content_type="application/yaml")
        self.assertEqual(status, 201, small)
        self.assertLess(time.monotonic() - started, 10)  # the big run does not block others
        status, cancelled = s.api("POST", f"/api/v1/runs/{run['id']}/cancel")
        self.assertEqual(status, 200, cancelled)
        status, after = s.api("GET", f"/api/v1/runs/{run['id']}")
        self.assertEqual(after["state"], "cancelled")
        states = {t["state"] for t in after["tasks"]}
        self.assertIn("cancelled", states)
        self.assertLessEqual(states, {"cancelled", "succeeded", "cached"}, states)
        self.assert_alive_and_bounded()

    def test_a_tensor_shape_over_sixteen_million_elements_is_refused(self):
        s = self.server
        run = s.cli("run", os.path.join(REPO, "examples", "iris-gbdt.yaml"), "--wait")
        self.assertIn("succeeded", run.stdout.splitlines()[-1])
        s.cli("service", "deploy", "iris", "--name", "iris")
        try:
            bad = {"inputs": [{"name": "input", "shape": [4194305, 4], "datatype": "FP32",
                               "data": [6.3, 3.3, 6.0, 2.5]}]}
            status, resp = s.api("POST", "/v2/models/iris/infer", bad)
            self.assertEqual(status, 400, resp)
            self.assertIn("inputs[0].shape: [4194305,4] is 16777220 elements; a request may "
                          "carry at most 16777216", str(resp))
            good = {"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32",
                                "data": [6.3, 3.3, 6.0, 2.5]}]}
            status, _ = s.api("POST", "/v2/models/iris/infer", good)
            self.assertEqual(status, 200)
        finally:
            s.cli("service", "stop", "iris", check=False)
        self.assert_alive_and_bounded()

    def test_an_operator_test_that_passes_its_memory_limit_fails_out_of_memory(self):
        s = self.server
        with tempfile.TemporaryDirectory() as tmp:
            op = os.path.join(tmp, "hog")
            s.cli("operator", "init", "hog", "--dir", op)
            manifest = os.path.join(op, "operator.yaml")
            with open(manifest) as f:
                text = f.read()
            with open(manifest, "w") as f:
                f.write(text.replace("memory: 256Mi", "memory: 64Mi"))
            with open(os.path.join(op, "main.py"), "w") as f:
                f.write("hog = bytearray(400 * 1024 * 1024)\n"
                        "for i in range(0, len(hog), 4096): hog[i] = 1\n")
            archive = io.BytesIO()
            with tarfile.open(fileobj=archive, mode="w") as tar:
                tar.add(op, arcname=".")
            status, resp = s.api("POST", "/api/v1/operators/check", archive.getvalue(),
                                 content_type="application/x-tar")
            self.assertEqual(status, 200, resp)
            reason = resp["tests"][0]["reason"]
            if "not enforced" in s.server_log() and "out of memory" not in reason:
                self.skipTest("this machine's cgroups cannot enforce memory limits")
            self.assertFalse(resp["tests"][0]["passed"])
            self.assertTrue(reason.startswith("out of memory (limit 64 MiB)"), reason)
            local = s.cli("operator", "test", op, check=False)
            self.assertEqual(local.returncode, 1, local.stdout)
            self.assertIn("out of memory (limit 64 MiB)", local.stdout)
        self.assert_alive_and_bounded()


if __name__ == "__main__":
    unittest.main(verbosity=2)
