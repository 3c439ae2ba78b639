"""Starts the real `tandem` binary on a temp data dir and talks to it over HTTP and
through its CLI. Used by the integration tests (python3 standard library only)."""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

SKLEARN_DATA = "/usr/lib/python3/dist-packages/sklearn/datasets/data"
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Tandem:
    def __init__(self, binary, data_dir=None, config=None):
        """config: the text of a YAML settings file for `server --config`."""
        self.binary = binary
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="tandem-it-")
        self.config_file = None
        if config is not None:
            self.config_file = os.path.join(self.data_dir, "config.yaml")
            with open(self.config_file, "w") as f:
                f.write(config)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self, timeout=30):
        with open(os.path.join(self.data_dir, "server.log"), "ab") as log:
            extra = ["--config", self.config_file] if self.config_file else []
            self.proc = subprocess.Popen(
                [self.binary, "server", "--data-dir", self.data_dir, "--listen",
                 f"127.0.0.1:{self.port}", *extra],
                stdout=log, stderr=log, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.server_log())
            try:
                status, _ = self.api("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server not healthy in time: " + self.server_log())

    def server_log(self):
        with open(os.path.join(self.data_dir, "server.log"), errors="replace") as f:
            return f.read()[-4000:]

    def kill9(self):
        """SIGKILL the server only (replicas are separate processes and live on)."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill_replicas(self):
        """Replicas outlive a SIGKILLed server by design; tests clean them up."""
        services = os.path.join(self.data_dir, "services")
        subprocess.run(["pkill", "-f", f"port-file {services}"], check=False)

    def api(self, method, path, body=None, content_type="application/json", raw=False):
        data = body if isinstance(body, (bytes, type(None))) else (
            body.encode() if isinstance(body, str) else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                text = r.read()
                return r.status, (text if raw else json.loads(text or b"null"))
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, text

    def peak_rss_mib(self):
        """The server's peak resident memory so far (VmHWM of /proc/PID/status), in MiB."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) // 1024

    def run(self, run_id):
        """GET /api/v1/runs/ID: the run with its tasks (AssertionError when not 200)."""
        status, body = self.api("GET", f"/api/v1/runs/{run_id}")
        if status != 200:
            raise AssertionError(f"GET run {run_id}: {status} {body}")
        return body

    def wait_run(self, run_id, timeout=120, poll=0.1):
        """The run once it succeeded, failed or was cancelled."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            body = self.run(run_id)
            if body["state"] in ("succeeded", "failed", "cancelled"):
                return body
            time.sleep(poll)
        raise AssertionError(f"run {run_id} did not finish in {timeout} s: {self.server_log()}")

    def cli(self, *args, check=True, timeout=300, input=None, cwd=None):
        p = subprocess.run([self.binary, "--server", self.url, *args], capture_output=True,
                           text=True, timeout=timeout, input=input, cwd=cwd)
        if check and p.returncode != 0:
            raise AssertionError(f"tandem {' '.join(args)} exited {p.returncode}\n"
                                 f"stdout: {p.stdout}\nstderr: {p.stderr}\nserver: {self.server_log()}")
        return p


def sklearn_rows(name, count, start=0):
    """(features, label) rows of an sklearn bundled CSV (first line: counts, names)."""
    rows = []
    with open(os.path.join(SKLEARN_DATA, name)) as f:
        lines = f.read().splitlines()
    body = lines[1:]
    try:
        float(body[0].split(",")[0])
    except ValueError:
        body = body[1:]  # a header line of names (boston)
    for line in body[start:start + count]:
        values = [float(v) for v in line.split(",")]
        rows.append((values[:-1], values[-1]))
    return rows


def infer_body(features):
    flat = [v for row in features for v in row]
    return {"inputs": [{"name": "input", "shape": [len(features), len(features[0])],
                        "datatype": "FP32", "data": flat}]}
