"""The baseline: the same XGBoost model behind what a user would otherwise write, a
FastAPI app on uvicorn (Debian's python3-fastapi, python3-uvicorn, python3-xgboost),
speaking the same KServe v2 JSON so the same load hits both.

  TANDEM_BENCH_MODEL=cancer.json uvicorn fastapi_app:app --app-dir bench/serving
"""
import os

import numpy as np
import xgboost
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

booster = xgboost.Booster(model_file=os.environ["TANDEM_BENCH_MODEL"])
booster.set_param({"nthread": 1})
app = FastAPI()


class Tensor(BaseModel):
    name: str
    datatype: str
    shape: list[int]
    data: list


class InferRequest(BaseModel):
    inputs: list[Tensor]


@app.post("/v2/models/{model}/infer")
def infer(model: str, request: InferRequest):
    x = np.asarray(request.inputs[0].data, dtype=np.float32).reshape(request.inputs[0].shape)
    if x.ndim != 2 or x.shape[1] != booster.num_features():
        raise HTTPException(status_code=400, detail="expected shape [N,%d]" % booster.num_features())
    p1 = booster.predict(xgboost.DMatrix(x))
    probs = np.stack([1 - p1, p1], axis=1)
    return {"model_name": model, "model_version": "1",
            "outputs": [{"name": "probabilities", "datatype": "FP32", "shape": list(probs.shape),
                         "data": probs.ravel().tolist()},
                        {"name": "label", "datatype": "INT64", "shape": [len(p1)],
                         "data": (p1 > 0.5).astype(int).tolist()}]}
