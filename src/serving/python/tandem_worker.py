"""Tandem's python serving worker: runs a user's predict() for a replica.

The replica starts  python3 -u -c <this file> MODEL_PATH OUTPUT_NAMES_JSON  with a
Unix socket on fd 3 and talks to it in frames: a 4-byte little-endian length, then
that many bytes of UTF-8 JSON.

  worker -> replica, once: {"ready": true, "signature": {...} or null}
                        or {"error": "cannot load ..."} (then the worker exits)
  replica -> worker:       {"inputs": [{"name", "datatype", "shape", "data"}]}
  worker -> replica:       {"outputs": [{"name", "datatype", "shape", "data"}]}
                        or {"error": "ValueError: ..."} (predict raised; the worker lives on)

The user's model is MODEL_PATH itself when it is a file, whatever its name (the
artifact store keeps files by content hash, without an extension), else
MODEL_PATH/model.py.
It defines predict(inputs) where inputs maps each input name to a numpy array (BYTES
inputs as arrays of str), and returns a dict of name -> array, a tuple of arrays
(named by OUTPUT_NAMES_JSON, else output_0, output_1, ...) or one array. It may define
`signature` ({"inputs": [...], "outputs": [...]}) to describe itself. Its folder is put
first on sys.path, so it can import and load files beside it.
"""
import importlib.machinery
import importlib.util
import json
import math
import os
import socket
import struct
import sys
import traceback

import numpy as np

CHANNEL_FD = 3
HEADER = struct.Struct("<I")

DTYPES = {"FP32": np.float32, "FP64": np.float64, "INT32": np.int32,
          "INT64": np.int64, "BOOL": np.bool_}


def read_exact(channel, n):
    chunks = []
    while n > 0:
        chunk = channel.recv(min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(channel):
    header = read_exact(channel, HEADER.size)
    if header is None:
        return None
    payload = read_exact(channel, HEADER.unpack(header)[0])
    return None if payload is None else json.loads(payload)


def write_frame(channel, message):
    payload = json.dumps(message, allow_nan=False).encode()
    channel.sendall(HEADER.pack(len(payload)) + payload)


def to_numpy(tensor):
    shape = tensor["shape"]
    if tensor["datatype"] == "BYTES":
        return np.array(tensor["data"], dtype=object).reshape(shape)
    return np.asarray(tensor["data"], dtype=DTYPES[tensor["datatype"]]).reshape(shape)


def finite_or_none(values):
    # JSON has no NaN or infinity; the replica reports a null as a bad output.
    return [v if not isinstance(v, float) or math.isfinite(v) else None for v in values]


def to_tensor(name, value):
    array = np.asarray(value)
    if array.dtype == np.bool_:
        datatype, data = "BOOL", array.ravel().tolist()
    elif np.issubdtype(array.dtype, np.integer):
        datatype = "INT32" if array.dtype.itemsize <= 4 else "INT64"
        data = array.ravel().tolist()
    elif array.dtype == np.float32:
        datatype, data = "FP32", finite_or_none(array.ravel().tolist())
    elif np.issubdtype(array.dtype, np.floating):
        datatype, data = "FP64", finite_or_none(array.astype(np.float64).ravel().tolist())
    else:
        datatype = "BYTES"
        data = [v.decode() if isinstance(v, bytes) else str(v) for v in array.ravel().tolist()]
    return {"name": str(name), "datatype": datatype, "shape": list(array.shape), "data": data}


def name_outputs(result, output_names):
    if isinstance(result, dict):
        return [to_tensor(k, v) for k, v in result.items()]
    items = result if isinstance(result, tuple) else (result,)
    return [to_tensor(output_names[i] if i < len(output_names) else "output_%d" % i, v)
            for i, v in enumerate(items)]


def load_user_module(model_path):
    path = os.path.join(model_path, "model.py") if os.path.isdir(model_path) else model_path
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    # An explicit source loader: spec_from_file_location guesses the loader from the
    # suffix and finds none for a file without ".py".
    loader = importlib.machinery.SourceFileLoader("tandem_user_model", path)
    spec = importlib.util.spec_from_file_location("tandem_user_model", path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "predict", None)):
        raise AttributeError("%s defines no predict(inputs) function" % path)
    return module


def main():
    channel = socket.socket(fileno=CHANNEL_FD)
    model_path, output_names = sys.argv[1], json.loads(sys.argv[2])
    try:
        module = load_user_module(model_path)
    except BaseException:
        write_frame(channel, {"error": "cannot load the python model '%s': %s" % (
            model_path, traceback.format_exc(limit=2).strip().splitlines()[-1])})
        return 1
    write_frame(channel, {"ready": True, "signature": getattr(module, "signature", None)})
    while True:
        request = read_frame(channel)
        if request is None:
            return 0
        try:
            inputs = {t["name"]: to_numpy(t) for t in request["inputs"]}
            reply = {"outputs": name_outputs(module.predict(inputs), output_names)}
        except Exception as e:
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        write_frame(channel, reply)


sys.exit(main())
