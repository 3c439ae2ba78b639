"""Requests that once crashed or exhausted the server, through the real binary: each
is refused with a 4xx naming the limit, the server stays up and answers /healthz, and
its memory stays bounded (peak RSS read from /proc)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, SKLEARN_DATA, Tandem  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))
RSS_BOUND_MIB = 512


def nested(depth):
    return "[" * depth + "]" * depth


def billion_laughs():
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        lines.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [" + ", ".join(["*" + prev] * 10) + "]")
    return "\n".join(lines) + "\n"


class Hardening(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Tandem(BINARY)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.kill_replicas()

    def assert_alive_and_bounded(self):
        status, _ = self.server.api("GET", "/healthz")
        self.assertEqual(status, 200)
        self.assertLess(self.server.peak_rss_mib(), RSS_BOUND_MIB)

    def test_deeply_nested_json_is_refused_not_a_crash(self):
        s = self.server
        body = '{"name": "deep", "model": "m", "resources": ' + nested(60000) + "}"
        status, resp = s.api("POST", "/api/v1/services", body)
        self.assertEqual(status, 400, resp)
        self.assertIn("nested deeper than 64 levels", resp["error"])
        body = '{"name": "deep", "pipeline": "x", "params": ' + nested(60000) + "}"
        status, resp = s.api("POST", "/api/v1/schedules", body)
        self.assertEqual(status, 400, resp)
        self.assertIn("nested deeper than 64 levels", resp["error"])
        self.assert_alive_and_bounded()

    def test_yaml_alias_bomb_is_refused_before_it_expands(self):
        s = self.server
        bomb = billion_laughs()
        self.assertLess(len(bomb), 600)
        status, resp = s.api("POST", "/api/v1/runs", bomb, content_type="application/yaml")
        self.assertEqual(status, 400, resp)
        self.assertIn("values once its aliases are expanded", resp["error"])
        status, resp = s.api("POST", "/api/v1/runs", "name: x\nnodes: " + nested(200),
                             content_type="application/yaml")
        self.assertEqual(status, 400, resp)
        self.assertIn("nested deeper than 64 levels", resp["error"])
        self.assert_alive_and_bounded()

    def test_yaml_that_is_not_utf8_is_refused_naming_line_and_column(self):
        # fuzz/crashes/pipeline_spec/non_utf8_param.yaml: a latin-1 byte in a param used
        # to throw out of the schema check (500) when the error tried to show the value.
        s = self.server
        body = b"name: x\nnodes:\n  a: {operator: csv-load, params: {path: \"caf\xe9\"}}\n"
        status, resp = s.api("POST", "/api/v1/runs", body, content_type="application/yaml")
        self.assertEqual(status, 400, resp)
        self.assertIn("line 3, column 46: byte 0xE9 is not UTF-8", resp["error"])
        self.assert_alive_and_bounded()

    def test_a_replica_refuses_a_deeply_nested_infer_body_and_stays_up(self):
        s = self.server
        s.cli("dataset", "import", "iris", os.path.join(SKLEARN_DATA, "iris.csv"))
        run = s.cli("run", os.path.join(REPO, "examples", "iris-gbdt.yaml"), "--wait")
        self.assertIn("succeeded", run.stdout.splitlines()[-1])
        s.cli("service", "deploy", "iris", "--name", "iris")
        try:
            good = {"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32",
                                "data": [6.3, 3.3, 6.0, 2.5]}]}
            status, _ = s.api("POST", "/v2/models/iris/infer", good)
            self.assertEqual(status, 200)
            bad = ('{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", '
                   '"data": [6.3, 3.3, 6.0, 2.5]}], "parameters": ' + nested(100000) + "}")
            status, resp = s.api("POST", "/v2/models/iris/infer", bad)
            self.assertEqual(status, 400, resp)
            self.assertIn("nested deeper than 64 levels", str(resp))
            status, _ = s.api("POST", "/v2/models/iris/infer", good)
            self.assertEqual(status, 200)
            status, svc = s.api("GET", "/api/v1/services/iris")
            self.assertEqual(svc.get("restarts", 0), 0, svc)
        finally:
            s.cli("service", "stop", "iris", check=False)
        self.assert_alive_and_bounded()


if __name__ == "__main__":
    unittest.main(verbosity=2)
