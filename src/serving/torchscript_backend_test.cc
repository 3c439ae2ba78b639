#include "serving/torchscript_backend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "core/fs.h"
#include "http/http.h"
#include "serving/replica_app.h"
#include "serving/test_util.h"
#include "serving/v2_codec.h"

namespace tandem::serving {
namespace {

// Traces an MLP on iris rows and scripts a three-input model with a dict output, with
// Debian's python3-torch; writes each model, and the inputs and outputs python
// computed, into the folder given.
constexpr const char* kMakeModels = R"py(
import json, sys
import numpy as np
import torch

out = sys.argv[1]
torch.manual_seed(0)
iris = np.loadtxt("/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv",
                  delimiter=",", skiprows=1)
x = torch.tensor(iris[:12, :4], dtype=torch.float32)

class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(),
                                       torch.nn.Linear(16, 3))
    def forward(self, features):
        return torch.softmax(self.net(features), dim=1)

mlp = torch.jit.trace(Mlp().eval(), x)
mlp.save(out + "/mlp.pt")

class Multi(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(4, 2)
    def forward(self, x: torch.Tensor, z: torch.Tensor, ids: torch.Tensor):
        return {"scores": self.lin(x), "total": z.sum(dim=1), "twice": ids * 2}

multi = torch.jit.script(Multi().eval())
multi.save(out + "/multi.pt")
z = torch.tensor([[0.1, 0.2], [1e300, -3.5], [7.25, 0.0]], dtype=torch.float64)
ids = torch.tensor([1, -4, 2**40], dtype=torch.int64)
with torch.no_grad():
    m = multi(x[:3], z, ids)
    json.dump({"x": x.tolist(), "probs": mlp(x).tolist(),
               "z": z.tolist(), "ids": ids.tolist(),
               "scores": m["scores"].tolist(), "total": m["total"].tolist(),
               "twice": m["twice"].tolist()}, open(out + "/expected.json", "w"))
)py";

std::vector<double> Flat(const Json& nested) {
  std::vector<double> out;
  for (const Json& row : nested) {
    if (row.is_array()) {
      for (const Json& v : row) out.push_back(v.get<double>());
    } else {
      out.push_back(row.get<double>());
    }
  }
  return out;
}

class TorchScriptTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    ASSERT_TRUE(testing::RunPython(kMakeModels, {dir_->path()}));
    auto text = ReadFile(*dir_ / "expected.json");
    ASSERT_TRUE(text.ok());
    expected_ = new Json(Json::parse(*text));
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete expected_;
  }
  static Json MlpMeta() {
    return Json::parse(R"({"format": "torchscript", "signature": {
      "inputs": [{"name": "features", "datatype": "FP32", "shape": [-1, 4]}],
      "outputs": [{"name": "probabilities"}]}})");
  }
  static Tensor X(size_t rows) {
    std::vector<double> all = Flat((*expected_)["x"]);
    all.resize(rows * 4);
    return {"features", DataType::kFp32, {static_cast<int64_t>(rows), 4}, all, {}};
  }

  static testing::TempDir* dir_;
  static Json* expected_;
};
testing::TempDir* TorchScriptTest::dir_ = nullptr;
Json* TorchScriptTest::expected_ = nullptr;

TEST_F(TorchScriptTest, TracedMlpAnswersWhatPythonComputed) {
  auto backend = LoadTorchScriptBackend(*dir_ / "mlp.pt", MlpMeta(), 1);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto out = (*backend)->Infer({X(12)});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 1u);
  const Tensor& p = (*out)[0];
  EXPECT_EQ(p.name, "probabilities");
  EXPECT_EQ(p.datatype, DataType::kFp32);
  EXPECT_EQ(p.shape, (std::vector<int64_t>{12, 3}));
  EXPECT_EQ(p.numbers, Flat((*expected_)["probs"]));
  // The probe at load learned the output for the metadata.
  EXPECT_EQ((*backend)->Metadata(), Json::parse(R"({"platform": "torchscript",
      "inputs": [{"name": "features", "datatype": "FP32", "shape": [-1, 4]}],
      "outputs": [{"name": "probabilities", "datatype": "FP32", "shape": [-1, 3]}]})"));
}

TEST_F(TorchScriptTest, SeveralInputsAndDatatypesAndNamedOutputs) {
  Json meta = Json::parse(R"({"format": "torchscript", "signature": {"inputs": [
      {"name": "x", "datatype": "FP32", "shape": [-1, 4]},
      {"name": "z", "datatype": "FP64", "shape": [-1, 2]},
      {"name": "ids", "datatype": "INT64", "shape": [-1]}]}})");
  auto backend = LoadTorchScriptBackend(*dir_ / "multi.pt", meta, 1);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  Tensor x = X(3);
  x.name = "x";
  Tensor z{"z", DataType::kFp64, {3, 2}, Flat((*expected_)["z"]), {}};
  Tensor ids{"ids", DataType::kInt64, {3}, Flat((*expected_)["ids"]), {}};
  // Inputs are matched by name, in any order.
  auto out = (*backend)->Infer({ids, x, z});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[0].name, "scores");
  EXPECT_EQ((*out)[0].datatype, DataType::kFp32);
  EXPECT_EQ((*out)[0].numbers, Flat((*expected_)["scores"]));
  EXPECT_EQ((*out)[1].name, "total");
  EXPECT_EQ((*out)[1].datatype, DataType::kFp64);
  EXPECT_EQ((*out)[1].numbers, Flat((*expected_)["total"]));
  EXPECT_EQ((*out)[2].name, "twice");
  EXPECT_EQ((*out)[2].datatype, DataType::kInt64);
  EXPECT_EQ((*out)[2].numbers, (std::vector<double>{2, -8, 2199023255552}));

  // What a client can get wrong, each named.
  Tensor z32 = z;
  z32.datatype = DataType::kFp32;
  EXPECT_EQ((*backend)->Infer({x, z32, ids}).status().message(),
            "input 'z': datatype FP32 does not match the model's FP64");
  Tensor narrow{"x", DataType::kFp32, {3, 3}, std::vector<double>(9, 0.0), {}};
  EXPECT_EQ((*backend)->Infer({narrow, z, ids}).status().message(),
            "input 'x': expected shape [-1,4], got [3,3]");
  EXPECT_EQ((*backend)->Infer({x, z}).status().message(),
            "missing input 'ids' (the model takes x, z, ids)");
  Tensor text{"x", DataType::kBytes, {1}, {}, {"a"}};
  EXPECT_EQ((*backend)->Infer({text}).status().code(), StatusCode::kInvalidArgument);
  // Without a declared shape a request reaches the model, which refuses it.
  Json loose = MlpMeta();
  loose["signature"]["inputs"][0].erase("shape");
  auto mlp = LoadTorchScriptBackend(*dir_ / "mlp.pt", loose, 1);
  ASSERT_TRUE(mlp.ok()) << mlp.status().ToString();
  Tensor five{"features", DataType::kFp32, {2, 5}, std::vector<double>(10, 1.0), {}};
  auto refused = (*mlp)->Infer({five});
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message().rfind("the model refused the inputs: ", 0), 0u)
      << refused.status().message();
}

TEST_F(TorchScriptTest, BadFilesAndSignaturesFailAtLoad) {
  auto missing = LoadTorchScriptBackend(*dir_ / "nope.pt", MlpMeta(), 1);
  EXPECT_EQ(missing.status().message().rfind("cannot load the TorchScript model '", 0), 0u);
  Json wrong = MlpMeta();
  wrong["signature"]["inputs"][0]["shape"] = {-1, 5};
  auto bad = LoadTorchScriptBackend(*dir_ / "mlp.pt", wrong, 1);
  EXPECT_EQ(bad.status().message().rfind("the TorchScript model '" + (*dir_ / "mlp.pt") +
                                             "' cannot take meta.signature.inputs: ",
                                         0),
            0u)
      << bad.status().message();
}

TEST_F(TorchScriptTest, ReplicaBatchesConcurrentClientsAndAnswersLikeTheModel) {
  ASSERT_TRUE(WriteFileAtomic(*dir_ / "mlp.json", MlpMeta().dump()).ok());
  ReplicaOptions o;
  o.name = "iris-mlp";
  o.version = 1;
  o.model_path = *dir_ / "mlp.pt";
  o.meta_path = *dir_ / "mlp.json";
  o.batch_max = 8;
  o.batch_delay_us = 2000;
  o.threads = 1;
  auto app = ReplicaApp::Create(o);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  http::ServerOptions so;
  so.threads = HttpThreads(o);
  http::Server server(so);
  (*app)->Register(server);
  ASSERT_TRUE(server.Start().ok());
  const std::string url =
      "http://127.0.0.1:" + std::to_string(server.port()) + "/v2/models/iris-mlp/infer";
  const std::vector<double> x = Flat((*expected_)["x"]), probs = Flat((*expected_)["probs"]);

  std::vector<std::string> failures(12);
  std::vector<std::thread> clients;
  for (size_t r = 0; r < 12; ++r) {
    clients.emplace_back([&, r] {
      Json body = {{"inputs", {{{"name", "features"}, {"datatype", "FP32"}, {"shape", {1, 4}},
                                {"data", std::vector<double>(x.begin() + 4 * r, x.begin() + 4 * r + 4)}}}}};
      auto resp = http::Call("POST", url, body.dump());
      if (!resp.ok() || resp->status != 200) {
        failures[r] = resp.ok() ? resp->body : resp.status().ToString();
        return;
      }
      auto out = TensorFromJson(Json::parse(resp->body)["outputs"][0], "outputs[0]");
      for (size_t c = 0; c < 3; ++c) {
        // A row's arithmetic may take another kernel path inside a larger batch.
        if (std::abs(out->numbers[c] - probs[3 * r + c]) > 1e-6) failures[r] = "row differs";
      }
    });
  }
  for (auto& t : clients) t.join();
  for (size_t r = 0; r < 12; ++r) EXPECT_EQ(failures[r], "") << "row " << r;
  server.Stop();
}

}  // namespace
}  // namespace tandem::serving
