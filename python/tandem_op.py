"""tandem_op: the Python side of Tandem's task contract.

An operator written in Python is a script that Tandem starts as
``python3 ENTRY TASK_DIR`` in the task directory. This module reads ``task.json``,
hands out params, input paths and output folders, prints progress lines, collects
metrics, and writes ``outputs.json`` when the operator is done::

    import tandem_op

    @tandem_op.main
    def run(task):
        rows = task.read_table("table")            # list of dicts, numbers parsed
        task.progress(0.5, "filtering")
        task.write_table("table", kept)            # -> out/table/table.ttb
        task.log_metric("rows_dropped", len(rows) - len(kept))

Exceptions end the task: ``tandem_op.BadInput`` (bad params or inputs) with exit code
2, anything else with exit code 1, the message on stderr. Only the standard library is
used (and python3-zstandard for tables), so operators start fast.

Tables between operators are TTB1 files (compressed columns, see src/data/table_file.h)
or CSV; read_table / read_columns take either, write_table writes TTB1 unless the file
name ends in ".csv". input_path() is the raw file: read tables through these functions.
"""

import csv
import json
import math
import os
import struct
import sys
import traceback
from array import array

__all__ = ["Task", "BadInput", "task", "main"]


class BadInput(Exception):
    """Bad params or inputs: the task fails with exit code 2 and this message."""


def _number_or_text(value):
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    return number


_TTB_MAGIC = b"TTB1"
# The texts the C++ CSV reader takes for "no value" (src/data/csv_records.h).
_MISSING_TEXTS = frozenset(["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"])
_ZSTD_LEVEL = 3  # the C++ writer's level


def _is_ttb(path):
    with open(path, "rb") as f:
        return f.read(len(_TTB_MAGIC)) == _TTB_MAGIC


def _read_ttb(path, port):
    """(header, columns) of a TTB1 file; numbers as floats, missing as None."""
    import zstandard
    with open(path, "rb") as f:
        data = f.read()
    where = "inputs.%s: table file" % port
    try:
        (size,) = struct.unpack_from("<I", data, 4)
        head = json.loads(data[8:8 + size].decode("utf-8"))
        rows = head["rows"]
        offset = 8 + size
        header, columns = [], []
        unpack = zstandard.ZstdDecompressor()
        for col in head["columns"]:
            block = data[offset:offset + col["stored"]]
            if len(block) != col["stored"]:
                raise BadInput("%s: column '%s' is cut short" % (where, col["name"]))
            offset += col["stored"]
            raw = unpack.decompress(block)
            if len(raw) != col["raw"]:
                raise BadInput("%s: column '%s' has the wrong size" % (where, col["name"]))
            header.append(col["name"])
            if col["type"] == "string":
                columns.append(_ttb_strings(raw, rows))
            elif col.get("encoding", "float64") == "float64":
                columns.append(_ttb_numbers(raw, rows))
            else:
                columns.append(_ttb_decimals(raw, rows, int(col["scale"])))
    except (KeyError, ValueError, TypeError, struct.error, zstandard.ZstdError) as e:
        raise BadInput("%s: %s" % (where, e))
    if offset != len(data):
        raise BadInput("%s: bytes after the last column" % where)
    return header, columns


def _untranspose(raw, rows, typecode):
    image = bytearray(8 * rows)
    for b in range(8):  # undo the byte transposition
        image[b::8] = raw[b * rows:(b + 1) * rows]
    values = array(typecode)
    values.frombytes(bytes(image))
    if sys.byteorder != "little":
        values.byteswap()
    return values


def _ttb_numbers(raw, rows):
    return [None if math.isnan(v) else v for v in _untranspose(raw, rows, "d")]


def _ttb_decimals(raw, rows, scale):
    """zigzag integers v * 10^scale after `rows` missing flags."""
    power = float(10 ** scale)
    ints = _untranspose(raw[rows:], rows, "Q")
    return [None if raw[i] else float((z >> 1) ^ -(z & 1)) / power for i, z in enumerate(ints)]


def _ttb_strings(raw, rows):
    lengths = struct.unpack_from("<%dI" % rows, raw, rows)
    out, offset = [], 5 * rows
    for i, n in enumerate(lengths):
        # As a CSV cell would come back: text that reads as a number is a float.
        out.append(None if raw[i] else _number_or_text(raw[offset:offset + n].decode("utf-8")))
        offset += n
    return out


def _cell_text(v):
    """A value as the CSV writer spells it."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return repr(v) if isinstance(v, float) else str(v)


def _as_number(text):
    """float(text) the way the C++ reader parses numbers, else None."""
    t = text.strip(" \t")
    if t.startswith("+"):
        t = t[1:]
    if not t or "_" in t or t[0] in "+ \t" or t.strip() != t:
        return None
    try:
        return float(t)
    except ValueError:
        return None


def _ttb_column(name, texts):
    """(header entry, raw block) of one column, typed as the C++ CSV reader would."""
    missing = [t in _MISSING_TEXTS for t in texts]
    numbers = [None if m else _as_number(t) for t, m in zip(texts, missing)]
    rows = len(texts)
    if all(m or v is not None for m, v in zip(missing, numbers)):
        values = array("d", [math.nan if m else v for m, v in zip(missing, numbers)])
        if sys.byteorder != "little":
            values.byteswap()
        image = values.tobytes()
        raw = bytearray(8 * rows)
        for b in range(8):  # byte-transposed, as src/data/table_file.cc writes
            raw[b * rows:(b + 1) * rows] = image[b::8]
        return "number", bytes(raw)
    encoded = [b"" if m else t.encode("utf-8") for t, m in zip(texts, missing)]
    raw = bytes(1 if m else 0 for m in missing) + struct.pack("<%dI" % rows, *map(len, encoded)) + b"".join(encoded)
    return "string", raw


def _write_ttb(path, columns, rows):
    import zstandard
    pack = zstandard.ZstdCompressor(level=_ZSTD_LEVEL, write_checksum=True)
    heads, blocks = [], []
    for i, name in enumerate(columns):
        kind, raw = _ttb_column(str(name), [_cell_text(r[i]) for r in rows])
        blocks.append(pack.compress(raw))
        head = {"name": str(name), "type": kind, "raw": len(raw), "stored": len(blocks[-1])}
        if kind == "number":
            head["encoding"] = "float64"  # the C++ writer also tries "decimal"; readers take both
        heads.append(head)
    head = json.dumps({"rows": len(rows), "columns": heads}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")
    with open(path, "wb") as f:
        f.write(_TTB_MAGIC + struct.pack("<I", len(head)) + head + b"".join(blocks))


class Task:
    """One task of an operator, as task.json describes it."""

    def __init__(self, task_dir):
        self.dir = os.path.abspath(task_dir)
        with open(os.path.join(self.dir, "task.json"), encoding="utf-8") as f:
            self.spec = json.load(f)
        self.params = self.spec.get("params", {})
        self.inputs = self.spec.get("inputs", {})
        self.outputs = self.spec.get("outputs", {})
        self.allocation = self.spec.get("allocation", {})
        self._written = {}
        self._metrics = {}
        self._register = None
        _limit_torch_memory()

    # --- inputs -----------------------------------------------------------------
    def input_path(self, port):
        """Absolute path of the artifact on input `port` (BadInput when not wired)."""
        if port not in self.inputs:
            raise BadInput("inputs.%s: no artifact was given to this port" % port)
        return self.inputs[port]["path"]

    def input_meta(self, port):
        self.input_path(port)
        return self.inputs[port].get("meta", {})

    def has_input(self, port):
        return port in self.inputs

    def read_table(self, port):
        """The table on `port` as a list of dicts; numeric cells as floats, empty as None."""
        path = self.input_path(port)
        if _is_ttb(path):
            header, columns = _read_ttb(path, port)
            return [dict(zip(header, row)) for row in zip(*columns)]
        with open(path, newline="", encoding="utf-8") as f:
            return [{k: _number_or_text(v) for k, v in row.items()} for row in csv.DictReader(f)]

    def read_columns(self, port):
        """The table on `port` as (header, columns): columns[i] is a list of values."""
        path = self.input_path(port)
        if _is_ttb(path):
            return _read_ttb(path, port)
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            columns = [[] for _ in header]
            for line, row in enumerate(reader, start=2):
                if len(row) != len(header):
                    raise BadInput("inputs.%s: line %d has %d fields, the header %d"
                                   % (port, line, len(row), len(header)))
                for i, cell in enumerate(row):
                    columns[i].append(_number_or_text(cell))
        return header, columns

    # --- outputs ----------------------------------------------------------------
    def output_dir(self, port):
        if port not in self.outputs:
            raise BadInput("outputs.%s: the operator declares no output port '%s'" % (port, port))
        path = self.outputs[port]["dir"]
        os.makedirs(path, exist_ok=True)
        return path

    def output_path(self, port, filename, meta=None):
        """Path for `filename` in output `port`'s folder, recorded as that port's artifact."""
        if os.path.basename(filename) != filename or filename in ("", ".", ".."):
            raise BadInput("outputs.%s: '%s' must be a plain file name" % (port, filename))
        path = os.path.join(self.output_dir(port), filename)
        self._written[port] = {"file": filename, "meta": dict(meta or {})}
        return path

    def write_table(self, port, rows, columns=None, filename="table.ttb", meta=None):
        """Writes a list of dicts (or of lists, with `columns`) as the table of `port`:
        TTB1, or CSV when `filename` ends in ".csv" (for a person or a foreign tool)."""
        if columns is None:
            columns = list(rows[0].keys()) if rows else []
        path = self.output_path(port, filename, meta)
        if not filename.endswith(".csv"):
            _write_ttb(path, columns, [[row.get(c) for c in columns] if isinstance(row, dict) else list(row)
                                       for row in rows])
            return path
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            for row in rows:
                values = [row.get(c) for c in columns] if isinstance(row, dict) else list(row)
                writer.writerow(["" if v is None or (isinstance(v, float) and math.isnan(v))
                                 else (repr(v) if isinstance(v, float) else v) for v in values])
        return path

    def write_json(self, port, document, filename="report.json", meta=None):
        path = self.output_path(port, filename, meta)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2, sort_keys=True)
        return path

    # --- progress, metrics, registration -----------------------------------------
    def progress(self, fraction, message=""):
        fraction = min(max(float(fraction), 0.0), 1.0)
        print("progress %.4f %s" % (fraction, message), flush=True)

    def log_metric(self, name, value):
        self._metrics[name] = value

    def register_model(self, name, model_port="model", format=None, metrics=None):
        """Asks the engine to add the model on `model_port` to the model library."""
        self._register = {"name": name, "model_port": model_port,
                          "metrics": metrics or self._metrics}
        if format:
            self._register["format"] = format

    def finish(self):
        """Writes outputs.json. Called by @main; call it yourself without @main."""
        document = {"outputs": self._written, "metrics": self._metrics}
        if self._register is not None:
            document["register"] = self._register
        tmp = os.path.join(self.dir, "outputs.json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, os.path.join(self.dir, "outputs.json"))


def _limit_torch_memory():
    """A GPU slice's memory limit, told to torch so it fails fast instead of stealing."""
    mib = os.environ.get("TANDEM_GPU_MEMORY_MIB")
    if not mib:
        return
    try:
        import torch  # only for slices: torch is slow to import
        if torch.cuda.is_available():
            total = torch.cuda.get_device_properties(0).total_memory / (1024 * 1024)
            torch.cuda.set_per_process_memory_fraction(min(1.0, float(mib) / total), 0)
    except Exception as e:  # the operator may not use torch at all
        print("tandem_op: could not limit torch memory: %s" % e, file=sys.stderr)


def task():
    """The task of this process: TASK_DIR from argv[1] or $TANDEM_TASK_DIR."""
    task_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TANDEM_TASK_DIR", ".")
    return Task(task_dir)


def main(fn):
    """Runs fn(task) now (as a decorator on the operator's function) and exits."""
    try:
        t = task()
        fn(t)
        t.finish()
    except BadInput as e:
        print(str(e), file=sys.stderr)
        sys.exit(2)
    except Exception as e:  # report it as the task's error, with the trace for debugging
        traceback.print_exc()
        print("%s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
    sys.exit(0)
    return fn


# --- helpers for training operators (need numpy) ------------------------------------

def feature_matrix(task, port, label=None):
    """The table on `port` as (X, y, features, label, classes, kind) for a learner.

    The label is `label`, else the table's declared label (its schema meta). Every other
    column is a feature and must be numeric (one-hot encode text columns first). kind is
    "classification" (y = class indices into `classes`) or "regression" (y = floats).
    """
    import numpy as np
    header, columns = task.read_columns(port)
    meta = task.input_meta(port)
    schema = meta.get("schema", meta)  # built-in table ports put the schema at the top
    label = label or schema.get("label")
    if not label or label not in header:
        raise BadInput("params.label: give the label column (columns: %s)" % ", ".join(header))
    features = [c for c in header if c != label]
    for name in features:
        values = columns[header.index(name)]
        bad = next((v for v in values if v is not None and not isinstance(v, float)), None)
        if bad is not None:
            raise BadInput("inputs.%s: column '%s' is text ('%s'); one-hot encode it first" % (port, name, bad))
    X = np.array([[np.nan if v is None else v for v in columns[header.index(n)]] for n in features],
                 dtype=np.float64).T.reshape(-1, len(features))
    raw_y = columns[header.index(label)]
    if any(v is None for v in raw_y):
        raise BadInput("inputs.%s: label '%s' has missing values" % (port, label))
    declared = schema.get("classes") or []
    numeric = all(isinstance(v, float) for v in raw_y)
    if numeric and not declared and len(set(raw_y)) > 20:
        return X, np.array(raw_y, dtype=np.float64), features, label, [], "regression"
    classes = list(declared) or sorted({_class_name(v) for v in raw_y})
    index = {c: i for i, c in enumerate(classes)}
    try:
        y = np.array([index[_class_name(v)] for v in raw_y], dtype=np.int64)
    except KeyError as e:
        raise BadInput("inputs.%s: label value %s is not one of the classes %s" % (port, e, classes))
    return X, y, features, label, classes, "classification"


def _class_name(v):
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def classification_metrics(y_true, proba, classes):
    """The metrics of Tandem's `evaluate` operator, by the same names and definitions
    (src/operators/builtin/metrics.h), so `tandem model compare` lines them up:
    accuracy, precision, recall, f1 (two classes: of class index 1; more: macro
    averages over the classes present in the truth or the predictions), roc_auc (more classes: one-vs-rest macro over the classes present),
    log_loss, confusion_matrix {classes, matrix}, n, per_class, and roc_curve (two
    classes). Undefined values are None."""
    import numpy as np
    y_true = np.asarray(y_true, dtype=np.int64)
    proba = np.asarray(proba, dtype=np.float64)
    k, n = len(classes), len(y_true)
    pred = np.argmax(proba, axis=1)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (y_true, pred), 1)

    def prf(c):
        tp, predicted, actual = confusion[c, c], confusion[:, c].sum(), confusion[c, :].sum()
        precision = float(tp) / predicted if predicted else 0.0
        recall = float(tp) / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
        return precision, recall, f1

    def auc(positive, score):
        from sklearn.metrics import roc_auc_score
        if positive.all() or not positive.any():
            return None
        return float(roc_auc_score(positive, score))

    per_class = [dict(zip(("precision", "recall", "f1"), prf(c)), **{"class": name,
                 "support": int(confusion[c, :].sum())}) for c, name in enumerate(classes)]
    if k == 2:
        precision, recall, f1 = prf(1)
        roc_auc = auc(y_true == 1, proba[:, 1])
    else:
        # Over the classes present in the truth or the predictions, as scikit-learn does:
        # a class the test set lacks and no row was given is no evidence either way.
        seen = [c for c in range(k) if confusion[c, :].sum() + confusion[:, c].sum() > 0]
        precision, recall, f1 = (float(np.mean([prf(c)[i] for c in seen])) for i in range(3))
        aucs = [a for a in (auc(y_true == c, proba[:, c]) for c in range(k)) if a is not None]
        roc_auc = float(np.mean(aucs)) if aucs else None
    p_true = np.clip(proba[np.arange(n), y_true], 1e-15, 1 - 1e-15)
    metrics = {"accuracy": float(np.mean(pred == y_true)), "precision": precision,
               "recall": recall, "f1": f1, "roc_auc": roc_auc,
               "log_loss": float(-np.mean(np.log(p_true))),
               "confusion_matrix": {"classes": list(classes), "matrix": confusion.tolist()},
               "n": int(n), "per_class": per_class}
    if k == 2 and roc_auc is not None:
        from sklearn.metrics import roc_curve
        fpr, tpr, thresholds = roc_curve(y_true, proba[:, 1], drop_intermediate=True)
        # JSON has no infinity (newer scikit-learn starts the thresholds with inf).
        metrics["roc_curve"] = {"fpr": fpr.tolist(), "tpr": tpr.tolist(),
                                "thresholds": [float(t) if math.isfinite(t) else None
                                               for t in thresholds]}
    return metrics


def regression_metrics(y_true, y_pred):
    """rmse, mae, r2 (None when the truth is constant) and n, as `evaluate` reports them."""
    import numpy as np
    y_true = np.asarray(y_true, dtype=np.float64)
    err = np.asarray(y_pred, dtype=np.float64) - y_true
    total = float(np.sum((y_true - np.mean(y_true)) ** 2))
    return {"rmse": float(np.sqrt(np.mean(err ** 2))), "mae": float(np.mean(np.abs(err))),
            "r2": 1 - float(np.sum(err ** 2)) / total if total > 0 else None, "n": int(len(y_true))}


_MODEL_TEMPLATE = '''"""A %(estimator)s trained by Tandem's %(operator)s operator, served by the python backend."""
import base64
import pickle

import numpy as np

_MODEL = pickle.loads(base64.b64decode(_PICKLE))
CLASSES = %(classes)r
FEATURES = %(features)r


def predict(inputs):
    x = np.asarray(next(iter(inputs.values())), dtype=np.float64).reshape(-1, len(FEATURES))
    if CLASSES:
        return {"probabilities": _MODEL.predict_proba(x).astype(np.float32)}
    return {"predictions": _MODEL.predict(x).astype(np.float32)}
'''


def save_python_model(task, port, estimator, features, classes, kind, label, operator):
    """Writes the fitted estimator as one model.py (the pickle embedded) for the python
    serving backend, with the meta the model library and serving read (the same shape as
    the built-in trainers': format, task, label, features, classes, signature, transforms)."""
    import base64
    import pickle
    # The pickle first: the template's module code unpickles it on import.
    source = ("_PICKLE = %r\n" % base64.b64encode(pickle.dumps(estimator)).decode()
              + _MODEL_TEMPLATE % {"estimator": type(estimator).__name__, "operator": operator,
                                   "classes": list(classes), "features": list(features)})
    outputs = ([{"name": "probabilities", "datatype": "FP32", "shape": [-1, len(classes)]}]
               if classes else [{"name": "predictions", "datatype": "FP32", "shape": [-1]}])
    signature = {"inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, len(features)]}],
                 "outputs": outputs, "features": list(features), "classes": list(classes), "task": kind}
    meta = {"format": "python", "task": kind, "label": label, "features": list(features),
            "classes": list(classes), "signature": signature}
    source_meta = task.input_meta("train")
    if source_meta.get("transforms"):
        meta["transforms"] = source_meta["transforms"]
    if source_meta.get("dataset"):
        meta["dataset"] = source_meta["dataset"]
    path = task.output_path(port, "model.py", meta)
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    return path


def report_metrics(task, model, X, y, label, classes, kind, port="metrics"):
    """Scores a fitted sklearn-style model on the `test` input when wired (else on the
    training rows X, y), writes the metrics JSON to `port` (its meta says which rows in
    "evaluated_on") and logs the numbers. The names are evaluate's, so the model
    library compares these models with any other."""
    on = "test" if task.has_input("test") else "train"
    Xe, ye = (X, y) if on == "train" else feature_matrix(task, "test", label)[:2]
    if kind == "classification":
        metrics = classification_metrics(ye, model.predict_proba(Xe), classes)
    else:
        metrics = regression_metrics(ye, model.predict(Xe))
    task.write_json(port, metrics, filename="metrics.json", meta={"task": kind, "evaluated_on": on})
    for name, value in metrics.items():
        if isinstance(value, (int, float)):
            task.log_metric(name, value)
    return metrics


# --- predicting with a python model (the save_python_model format) --------------------

def load_model(path):
    """The python model at `path` (a source file, or a folder holding model.py) as a module,
    loaded the way the serving worker loads it (its folder first on sys.path)."""
    import importlib.machinery
    import importlib.util
    # A stored artifact is a file named by its digest, without ".py": load it as source.
    file = os.path.join(path, "model.py") if os.path.isdir(path) else path
    sys.path.insert(0, os.path.dirname(os.path.abspath(file)))
    loader = importlib.machinery.SourceFileLoader("tandem_user_model", file)
    spec = importlib.util.spec_from_loader("tandem_user_model", loader)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "predict", None)):
        raise BadInput("%s defines no predict(inputs) function" % file)
    return module


def predict(model, X, input_name="input"):
    """Runs a python model's predict() on the feature matrix X (rows x features) as the
    python serving backend does: one FP32 input named `input_name`. `model` is a path or
    a module from load_model. Returns {output name: numpy array}."""
    import numpy as np
    module = load_model(model) if isinstance(model, str) else model
    result = module.predict({input_name: np.asarray(X, dtype=np.float32)})
    if isinstance(result, dict):
        return {str(k): np.asarray(v) for k, v in result.items()}
    items = result if isinstance(result, tuple) else (result,)
    return {"output_%d" % i: np.asarray(v) for i, v in enumerate(items)}


def _predict_command(argv):
    """python3 tandem_op.py predict MODEL IN.json OUT.json: how Tandem's built-in
    operators (evaluate, predict) run a python model. IN.json is {"input": name,
    "rows": [[...]]} (null = missing); OUT.json {"outputs": [{"name", "shape", "data"}]}
    or {"error": "..."}; exit code 2 for a model that cannot predict."""
    import numpy as np
    model, source, target = argv
    try:
        with open(source, encoding="utf-8") as f:
            request = json.load(f)
        X = np.array([[np.nan if v is None else v for v in row] for row in request["rows"]],
                     dtype=np.float64)
        outputs = predict(model, X, request.get("input", "input"))
        document = {"outputs": [{"name": k, "shape": list(v.shape),
                                 "data": [None if not math.isfinite(x) else x
                                          for x in v.astype(np.float64).ravel().tolist()]}
                                for k, v in outputs.items()]}
        code = 0
    except Exception as e:  # the model's own failure, reported to the operator
        document, code = {"error": "%s: %s" % (type(e).__name__, e)}, 2
    with open(target, "w", encoding="utf-8") as f:
        json.dump(document, f)
    return code


if __name__ == "__main__" and sys.argv[1:2] == ["predict"]:
    sys.exit(_predict_command(sys.argv[2:]))
