"""Predictions of a model exported by `tandem model export --format python`.

This folder is the package: the shared library, model.json and meta.json sit beside
this file. The library replays the model's fitted transforms and its prediction
(XGBoost, linear or k-means, as meta.json says), so the numbers equal the service's.

    import sys; sys.path.insert(0, "PARENT_OF_THIS_FOLDER")
    import FOLDER_NAME as model_sdk
    model = model_sdk.load()
    model.inputs                          # the raw columns a row has
    model.predict([[17.99, 10.38, ...]])  # one list of width floats per row
    model.predict([{"age": 41, "city": "Paris"}])
    model.predict_csv("rows.csv")         # a CSV with a header row

Running the folder prints predictions for a CSV: python3 FOLDER rows.csv
"""
import csv
import ctypes
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
_lib = ctypes.CDLL(os.path.join(HERE, "libtandem_predict.so"))
_lib.tandem_model_load.restype = ctypes.c_void_p
_lib.tandem_model_load.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
_lib.tandem_model_free.argtypes = [ctypes.c_void_p]
_lib.tandem_model_num_inputs.restype = ctypes.c_size_t
_lib.tandem_model_num_inputs.argtypes = [ctypes.c_void_p]
_lib.tandem_model_input_name.restype = ctypes.c_char_p
_lib.tandem_model_input_name.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
_lib.tandem_model_input_is_text.restype = ctypes.c_int
_lib.tandem_model_input_is_text.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
_lib.tandem_model_output_width.restype = ctypes.c_size_t
_lib.tandem_model_output_width.argtypes = [ctypes.c_void_p]
_lib.tandem_model_class_name.restype = ctypes.c_char_p
_lib.tandem_model_class_name.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
_lib.tandem_predict_text.restype = ctypes.c_int
_lib.tandem_predict_text.argtypes = [
    ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t, ctypes.c_size_t,
    ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_float), ctypes.c_size_t,
    ctypes.c_char_p, ctypes.c_size_t]


def _cell(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return b""
    if isinstance(value, float):
        return repr(value).encode()
    return str(value).encode()


class Model:
    """One loaded model. predict() may be called from several threads."""

    def __init__(self, folder=HERE):
        err = ctypes.create_string_buffer(1024)
        self._handle = _lib.tandem_model_load(folder.encode(), err, len(err))
        if not self._handle:
            raise RuntimeError(err.value.decode())
        n = _lib.tandem_model_num_inputs(self._handle)
        self.inputs = [_lib.tandem_model_input_name(self._handle, i).decode() for i in range(n)]
        self.width = _lib.tandem_model_output_width(self._handle)
        self.classes = [_lib.tandem_model_class_name(self._handle, i).decode()
                        for i in range(self.width)]

    def __del__(self):
        if getattr(self, "_handle", None):
            _lib.tandem_model_free(self._handle)
            self._handle = None

    def predict(self, rows, columns=None):
        """rows: lists of values in the order of `columns` (default: self.inputs), or
        dicts by column name. Returns one list of `width` floats per row."""
        rows = list(rows)
        if rows and isinstance(rows[0], dict):
            columns = self.inputs
            rows = [[r.get(c) for c in columns] for r in rows]
        columns = list(columns or self.inputs)
        cells = [_cell(v) for row in rows for v in row]
        if len(cells) != len(rows) * len(columns):
            raise ValueError(f"every row needs {len(columns)} values")
        cell_array = (ctypes.c_char_p * max(len(cells), 1))(*cells)
        name_array = (ctypes.c_char_p * len(columns))(*[c.encode() for c in columns])
        out = (ctypes.c_float * max(len(rows) * self.width, 1))()
        err = ctypes.create_string_buffer(1024)
        if _lib.tandem_predict_text(self._handle, cell_array, len(rows), len(columns), name_array,
                                    out, len(out), err, len(err)) != 0:
            raise ValueError(err.value.decode())
        return [list(out[r * self.width:(r + 1) * self.width]) for r in range(len(rows))]

    def predict_csv(self, path):
        with open(path, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = [row for row in reader if row]
        return self.predict(rows, header)


def load(folder=HERE):
    return Model(folder)
