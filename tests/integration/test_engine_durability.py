"""The engine survives kill -9: a 20-node pipeline of a published exec operator (each
node appends its name to a file when it finishes) is cut by SIGKILL to the server in
the middle, the server restarts on the same data dir, and every node has run to success
exactly once (a node running at the kill at most twice). Also: an event-triggered
schedule, `run show`'s DAG and trigger, and `run list` filters, on the same server."""
import json
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import REPO, Tandem  # noqa: E402

BINARY = os.environ.get("TANDEM_BIN", os.path.join(REPO, "build", "tandem"))

SCRIPT = """#!/bin/sh
# Sleeps a little, then appends this node's name to the file in param `log`.
set -eu
sleep "$TANDEM_PARAM_SLEEP"
echo "$TANDEM_PARAM_NODE" >> "$TANDEM_PARAM_LOG"
echo done > "$TANDEM_OUTPUT_OUT/f"
printf '{"outputs": {"out": {"file": "f"}}}\\n' > outputs.json
"""


def manifest(gate_log):
    return {
        "name": "append-node", "version": 1, "category": "other",
        "description": "Appends its node name to a file (tests of the engine).",
        "inputs": {"a": {"type": "file", "optional": True}, "b": {"type": "file", "optional": True}},
        "outputs": {"out": {"type": "file"}},
        "params": {"type": "object", "additionalProperties": False, "required": ["node", "log"],
                   "properties": {"node": {"type": "string"}, "log": {"type": "string"},
                                  "sleep": {"type": "number", "default": 0.4}}},
        "runtime": {"kind": "exec", "entry": "main.sh"},
        "tests": [{"name": "appends", "params": {"node": "gate", "log": gate_log, "sleep": 0},
                   "expect": {"outputs": {"out": {"exists": True}}}}],
    }


def twenty_nodes(log):
    """n00; two chains of 6 (a1..a6, b1..b6) and a fan of 5 (p1..p5) off it; j joins the
    chains; z follows j: 20 nodes."""
    nodes = {"n00": {}}
    for chain in "ab":
        for i in range(1, 7):
            nodes[f"{chain}{i}"] = {"a": f"{chain}{i - 1}.out" if i > 1 else "n00.out"}
    for i in range(1, 6):
        nodes[f"p{i}"] = {"a": "n00.out"}
    nodes["j"] = {"a": "a6.out", "b": "b6.out"}
    nodes["z"] = {"a": "j.out"}
    lines = ["name: durable-20", "nodes:"]
    for name, inputs in nodes.items():
        node = {"operator": "append-node", "params": {"node": name, "log": log}}
        if inputs:
            node["inputs"] = inputs
        lines.append(f"  {name}: {json.dumps(node)}")
    return "\n".join(lines) + "\n", list(nodes)


class EngineDurability(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tandem-durable-")
        op_dir = os.path.join(cls.tmp, "append-node")
        os.makedirs(op_dir)
        with open(os.path.join(op_dir, "operator.yaml"), "w") as f:
            json.dump(manifest(os.path.join(cls.tmp, "gate.log")), f)  # JSON is YAML too
        with open(os.path.join(op_dir, "main.sh"), "w") as f:
            f.write(SCRIPT)
        os.chmod(os.path.join(op_dir, "main.sh"), 0o755)
        cls.server = Tandem(BINARY)
        cls.server.start()
        cls.server.cli("operator", "publish", op_dir)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_a_kill9_mid_run_repeats_no_finished_node(self):
        s = self.server
        log = os.path.join(self.tmp, "ran.log")
        yaml, names = twenty_nodes(log)
        path = os.path.join(self.tmp, "durable-20.yaml")
        with open(path, "w") as f:
            f.write(yaml)
        run_id = s.cli("run", path).stdout.strip()

        # Kill when some nodes are done, some running, most still to come.
        deadline = time.time() + 60
        running = []
        while time.time() < deadline:
            tasks = self.server.run(run_id)["tasks"]
            done = [t["node"] for t in tasks if t["state"] == "succeeded"]
            running = [t["node"] for t in tasks if t["state"] == "running"]
            if len(done) >= 4 and running:
                break
            time.sleep(0.02)
        self.assertTrue(running, "no node was running before the kill")
        s.kill9()
        # Whatever ran up to the kill, as the store saw it just before.
        s.start()
        body = self.server.wait_run(run_id)
        self.assertEqual(body["state"], "succeeded", body.get("error"))
        self.assertEqual([t["state"] for t in body["tasks"]], ["succeeded"] * 20)

        with open(log) as f:
            ran = f.read().split()
        # A node may start between the last poll and the kill, so "running at the kill" is
        # what the store says: a second attempt means its first was live when the server
        # died (at most max_parallel_tasks = 2 of them); every other node ran once.
        attempts = {t["node"]: t["attempt"] for t in body["tasks"]}
        rerun = [n for n in names if attempts[n] > 1]
        self.assertLessEqual(len(rerun), 2, f"re-run after the kill: {rerun}")
        self.assertTrue(set(running) <= set(rerun) | {n for n in names if ran.count(n) == 1})
        for name in names:
            count = ran.count(name)
            if name in rerun:
                self.assertEqual(attempts[name], 2, f"{name} took {attempts[name]} attempts")
                self.assertIn(count, (1, 2), f"{name} (running at the kill) ran {count} times")
            else:
                self.assertEqual(count, 1, f"{name} ran {count} times: {ran}")
        self.assertEqual(sorted(set(ran)), sorted(names))

        # run show draws the DAG with every node's state; run list filters.
        shown = s.cli("run", "show", run_id).stdout
        self.assertIn("[ok] n00\n", shown)
        self.assertIn("[ok] j <- a6, b6", shown)
        self.assertIn("[ok] z <- j", shown)
        listed = s.cli("run", "list", "--pipeline", "durable-20", "--state", "succeeded").stdout
        self.assertIn(run_id, listed)
        self.assertNotIn(run_id, s.cli("run", "list", "--state", "failed").stdout)
        self.assertNotIn(run_id, s.cli("run", "list", "--pipeline", "other").stdout)

    def test_b_an_event_fires_its_schedule_with_payload_params(self):
        s = self.server
        log = os.path.join(self.tmp, "event.log")
        path = os.path.join(self.tmp, "on-drift.yaml")
        with open(path, "w") as f:
            f.write("name: on-drift\nparams:\n  who: {type: string, default: nobody}\n"
                    "nodes:\n  only: {operator: append-node, params: {node: \"{{params.who}}\", "
                    f"log: {log}, sleep: 0}}}}\n")
        out = s.cli("schedule", "create", path, "--on-event", "drift:cancer", "--name", "retrain").stdout
        self.assertIn("schedule retrain: pipeline on-drift on event drift:cancer", out)
        self.assertIn("retrain", s.cli("schedule", "list").stdout)
        fired = s.cli("event", "fire", "drift:cancer", "--payload", '{"who": "monitor", "psi": 0.3}')
        run_id = fired.stdout.strip()
        self.assertEqual(self.server.wait_run(run_id)["state"], "succeeded")
        with open(log) as f:
            self.assertEqual(f.read().split(), ["monitor"])
        self.assertIn("trigger schedule retrain (event drift:cancer)", s.cli("run", "show", run_id).stdout)

        s.cli("schedule", "pause", "retrain")
        status, body = s.api("POST", "/api/v1/events/drift:cancer", {"who": "again"})
        self.assertEqual((status, body["runs"]), (202, []))
        s.cli("schedule", "delete", "retrain")
        self.assertNotIn("retrain", s.cli("schedule", "list").stdout)
        bad = s.cli("schedule", "create", path, "--cron", "0 24 * * *", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("cron: hour: 24 is out of range 0-23", bad.stderr)


if __name__ == "__main__":
    unittest.main()
