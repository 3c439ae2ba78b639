"""Task outputs and uploads through the real binary: a dataset import streamed to the
server (its temp file gone afterwards, an upload over max_upload_bytes refused), a
pipeline's output ports listed and downloaded by `tandem run output` and
GET /api/v1/artifacts/{digest} with their digest, type and size checked, a table
previewed with its profile, and bad digests refused by name."""
import hashlib
import json
import os
import pty
import subprocess
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, SKLEARN_DATA, Tandem  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))
MAX_UPLOAD = 2_000_000

PIPELINE = """name: cancer-outputs
nodes:
  load:    {operator: dataset-load, params: {dataset: breast_cancer}}
  profile: {operator: profile, inputs: {table: load.table}}
  split:   {operator: split, inputs: {table: load.table}, params: {test_fraction: 0.25, seed: 7, stratify: true}}
  train:   {operator: xgboost-train, inputs: {train: split.train}, params: {objective: "binary:logistic", num_rounds: 10, max_depth: 3}}
"""


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Artifacts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Tandem(BINARY, config=f"max_upload_bytes: {MAX_UPLOAD}\n")
        cls.server.start()
        s = cls.server
        s.cli("dataset", "import", "breast_cancer", os.path.join(SKLEARN_DATA, "breast_cancer.csv"))
        spec = os.path.join(s.data_dir, "outputs.yaml")
        with open(spec, "w") as f:
            f.write(PIPELINE)
        run = s.cli("run", spec, "--wait")
        cls.run_id = run.stdout.splitlines()[0].strip()
        assert "succeeded" in run.stdout.splitlines()[-1], run.stdout
        status, run_json = s.api("GET", f"/api/v1/runs/{cls.run_id}")
        assert status == 200, run_json
        cls.tasks = {t["node"]: t for t in run_json["tasks"]}

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def digest(self, node, port):
        return self.tasks[node]["outputs"][port]["digest"]

    def download(self, digest):
        """(status, headers, body) of GET /api/v1/artifacts/DIGEST."""
        url = f"{self.server.url}/api/v1/artifacts/{digest}"
        try:
            with urllib.request.urlopen(url, timeout=60) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def uploads_left(self):
        folder = os.path.join(self.server.data_dir, "uploads")
        return os.listdir(folder) if os.path.isdir(folder) else []

    def test_import_leaves_no_upload_file(self):
        self.assertEqual(self.uploads_left(), [])

    def test_download_has_content_type_size_and_digest(self):
        for node, port, kind, ctype in [("train", "model", "model", "application/octet-stream"),
                                        ("split", "test", "table", "application/vnd.tandem.table"),
                                        ("profile", "report", "report", "application/json")]:
            digest = self.digest(node, port)
            status, headers, body = self.download(digest)
            self.assertEqual(status, 200, body[:200])
            self.assertEqual(sha256(body), digest)
            self.assertEqual(headers["Content-Type"], ctype)
            self.assertEqual(int(headers["Content-Length"]), len(body))
            self.assertEqual(headers["X-Tandem-Kind"], kind)
            status, meta = self.server.api("GET", f"/api/v1/artifacts/{digest}/meta")
            self.assertEqual(status, 200, meta)
            self.assertEqual((meta["size"], meta["kind"], meta["content_type"]), (len(body), kind, ctype))

    def test_run_output_lists_ports_and_writes_a_file(self):
        listing = self.server.cli("run", "output", self.run_id, "split").stdout
        self.assertIn(self.digest("split", "train"), listing)
        self.assertIn(self.digest("split", "test"), listing)
        self.assertIn("table", listing)

        out = os.path.join(self.server.data_dir, "model.json")
        p = self.server.cli("run", "output", self.run_id, "train", "model", "-o", out)
        with open(out, "rb") as f:
            data = f.read()
        self.assertEqual(sha256(data), self.digest("train", "model"))
        self.assertIn("wrote " + out, p.stderr)
        self.assertFalse(os.path.exists(out + ".part"))

    def test_run_output_of_a_table_is_csv_unless_raw(self):
        out = os.path.join(self.server.data_dir, "test.csv")
        self.server.cli("run", "output", self.run_id, "split", "test", "-o", out)
        with open(out) as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), 1 + 142)  # header + a quarter of 569 rows
        self.assertIn("target", lines[0].split(","))
        raw = os.path.join(self.server.data_dir, "test.ttb")
        self.server.cli("run", "output", self.run_id, "split", "test", "--raw", "-o", raw)
        with open(raw, "rb") as f:
            data = f.read()
        self.assertEqual(data[:4], b"TTB1")
        self.assertEqual(sha256(data), self.digest("split", "test"))

    def test_run_output_to_stdout(self):
        p = self.server.cli("run", "output", self.run_id, "profile", "report")
        report = json.loads(p.stdout)
        self.assertEqual(report["rows"], 569)
        self.assertEqual(sha256(p.stdout.encode()), self.digest("profile", "report"))

    def test_run_output_refuses_binary_on_a_terminal(self):
        main, tty = pty.openpty()
        try:
            p = subprocess.run([BINARY, "--server", self.server.url, "run", "output", self.run_id,
                                "train", "model"], stdout=tty, stderr=subprocess.PIPE, text=True,
                               timeout=60)
        finally:
            os.close(tty)
            os.close(main)
        self.assertEqual(p.returncode, 1)
        self.assertIn("port model holds a model (application/octet-stream), not text", p.stderr)

    def test_run_output_names_unknown_node_and_port(self):
        p = self.server.cli("run", "output", self.run_id, "nope", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no node 'nope' (nodes: load, profile, split, train)", p.stderr)
        p = self.server.cli("run", "output", self.run_id, "split", "bogus", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no output port 'bogus' (ports: test, train)", p.stderr)

    def test_preview_of_a_table(self):
        digest = self.digest("split", "test")
        status, preview = self.server.api("GET", f"/api/v1/artifacts/{digest}/preview?rows=5")
        self.assertEqual(status, 200, preview)
        status, body = self.server.api("GET", f"/api/v1/artifacts/{digest}/csv", raw=True)
        self.assertEqual(status, 200)
        lines = body.decode().splitlines()
        header = lines[0].split(",")
        self.assertEqual([c["name"] for c in preview["columns"]], header)
        self.assertEqual(preview["rows"], len(lines) - 1)
        self.assertEqual(len(preview["head"]), 5)
        first = lines[1].split(",")
        self.assertAlmostEqual(preview["head"][0][0], float(first[0]))
        self.assertEqual(preview["head"][0][-1], first[-1])
        self.assertEqual(len(preview["profile"]["columns"]), len(header))
        self.assertEqual(preview["profile"]["rows"], preview["rows"])

        status, err = self.server.api("GET", f"/api/v1/artifacts/{digest}/preview?rows=5000")
        self.assertEqual(status, 400)
        self.assertIn("rows", err["error"])
        model = self.digest("train", "model")
        status, err = self.server.api("GET", f"/api/v1/artifacts/{model}/preview")
        self.assertEqual(status, 400)
        self.assertIn(f"artifact '{model}' is a model, not a table", err["error"])

    def test_bad_digests_are_named(self):
        status, _, body = self.download("abc")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["error"],
                         "artifact digest 'abc' is not 64 lowercase hex characters")
        unknown = "0" * 64
        status, _, body = self.download(unknown)
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(body)["error"], f"artifact '{unknown}' not found")
        # A path in the digest never reaches the file system.
        status, _, body = self.download("..%2F..%2Ftandem.db")
        self.assertEqual(status, 400, body)
        status, _, _ = self.download(self.digest("train", "model").upper())
        self.assertEqual(status, 400)

    def test_upload_over_the_limit_is_refused_and_cleaned_up(self):
        big = os.path.join(self.server.data_dir, "big.csv")
        with open(os.path.join(SKLEARN_DATA, "breast_cancer.csv")) as f:
            lines = f.read().splitlines()
        with open(big, "w") as f:
            f.write(lines[0] + "\n")
            while f.tell() <= MAX_UPLOAD:
                f.write("\n".join(lines[1:]) + "\n")
        p = self.server.cli("dataset", "import", "big", big, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"exceeds the limit of {MAX_UPLOAD} bytes", p.stderr)
        self.assertEqual(self.uploads_left(), [])
        status, _ = self.server.api("GET", "/api/v1/datasets/big")
        self.assertEqual(status, 404)

    def test_bad_csv_names_the_users_file_and_is_cleaned_up(self):
        bad = os.path.join(self.server.data_dir, "broken.csv")
        with open(bad, "w") as f:
            f.write("a,b\n1,2\n3\n")
        p = self.server.cli("dataset", "import", "broken", bad, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("broken.csv: line 3", p.stderr)
        self.assertNotIn("upload-", p.stderr)
        self.assertEqual(self.uploads_left(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
