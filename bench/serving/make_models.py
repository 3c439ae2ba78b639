"""Builds the models the serving bench serves, into the folder given:
  cancer.json + cancer.meta.json  XGBoost (python3-xgboost) on sklearn's breast cancer data,
                                  binary:logistic, 100 rounds of depth 4 (the demo pipeline's)
  mlp.pt + mlp.meta.json          a TorchScript MLP (30 -> 256 -> 256 -> 2) traced by python3-torch
  cancer_row.json, mlp_row.json   one-row KServe v2 request bodies
  expected.json                   what the models predict for that row, in python
"""
import json
import sys

import numpy as np
import torch
import xgboost

out = sys.argv[1]
data = np.loadtxt("/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv",
                  delimiter=",", skiprows=1)
x, y = data[:, :-1].astype(np.float32), data[:, -1]
features = ["f%d" % i for i in range(x.shape[1])]

booster = xgboost.train({"objective": "binary:logistic", "max_depth": 4, "eta": 0.3,
                         "nthread": 1, "seed": 7},
                        xgboost.DMatrix(x, label=y), num_boost_round=100)
booster.save_model(out + "/cancer.json")
signature = {"inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, 30]}]}
json.dump({"format": "xgboost", "task": "classification", "objective": "binary:logistic",
           "features": features, "classes": ["malignant", "benign"], "signature": signature},
          open(out + "/cancer.meta.json", "w"))

torch.manual_seed(0)
torch.set_num_threads(1)
mlp = torch.nn.Sequential(torch.nn.Linear(30, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256),
                          torch.nn.ReLU(), torch.nn.Linear(256, 2), torch.nn.Softmax(dim=1)).eval()
scaled = torch.tensor((x - x.mean(0)) / x.std(0))
torch.jit.trace(mlp, scaled[:8]).save(out + "/mlp.pt")
json.dump({"format": "torchscript",
           "signature": {"inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, 30]}],
                         "outputs": [{"name": "probabilities"}]}},
          open(out + "/mlp.meta.json", "w"))


def body(row):
    return {"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 30],
                        "data": [float(v) for v in row]}]}


json.dump(body(x[0]), open(out + "/cancer_row.json", "w"))
json.dump(body(scaled[0].numpy()), open(out + "/mlp_row.json", "w"))
with torch.no_grad():
    json.dump({"cancer": float(booster.predict(xgboost.DMatrix(x[:1]))[0]),
               "mlp": mlp(scaled[:1]).tolist()[0]}, open(out + "/expected.json", "w"))
