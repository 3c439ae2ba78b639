#include "serving/python_backend.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "serving/test_util.h"

namespace tandem::serving {
namespace {

// Trains a random forest on breast cancer with Debian's python3-sklearn, pickles it
// beside a model.py for the python backend, and writes what the forest itself
// predicts for some rows.
constexpr const char* kMakeForest = R"py(
import json, pickle, sys
import numpy as np
from sklearn.ensemble import RandomForestClassifier

out = sys.argv[1]
data = np.loadtxt("/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv",
                  delimiter=",", skiprows=1)
x, y = data[:, :-1], data[:, -1].astype(int)
forest = RandomForestClassifier(n_estimators=20, max_depth=5, random_state=0).fit(x, y)
pickle.dump(forest, open(out + "/forest.pkl", "wb"))
rows = x[100:110]
json.dump({"x": rows.tolist(), "probabilities": forest.predict_proba(rows).tolist(),
           "label": forest.predict(rows).tolist()}, open(out + "/expected.json", "w"))
)py";

// The user's model: loads the pickle beside it. Special first values make it misbehave
// the ways real models do: raise, crash the process, hang.
constexpr const char* kModelPy = R"py(
import os, pickle, time
forest = pickle.load(open(os.path.join(os.path.dirname(__file__), "forest.pkl"), "rb"))
signature = {"inputs": [{"name": "input", "datatype": "FP64", "shape": [-1, 30]}],
             "outputs": [{"name": "probabilities", "datatype": "FP64", "shape": [-1, 2]},
                         {"name": "label", "datatype": "INT64", "shape": [-1]}]}

def predict(inputs):
    x = inputs["input"]
    if x[0, 0] == -1:
        raise ValueError("radius must not be negative")
    if x[0, 0] == -2:
        print("about to crash")   # user output goes to the log, not into the channel
        os._exit(3)
    if x[0, 0] == -3:
        time.sleep(30)
    return {"probabilities": forest.predict_proba(x), "label": forest.predict(x)}
)py";

class PythonBackendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    ASSERT_TRUE(testing::RunPython(kMakeForest, {dir_->path()}));
    ASSERT_TRUE(WriteFileAtomic(*dir_ / "model.py", kModelPy).ok());
    auto text = ReadFile(*dir_ / "expected.json");
    ASSERT_TRUE(text.ok());
    expected_ = new Json(Json::parse(*text));
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete expected_;
  }
  static Tensor Input(size_t first, size_t rows) {
    Tensor t{"input", DataType::kFp64, {static_cast<int64_t>(rows), 30}, {}, {}};
    for (size_t r = first; r < first + rows; ++r) {
      for (const Json& v : (*expected_)["x"][r]) t.numbers.push_back(v.get<double>());
    }
    return t;
  }
  static Tensor Poisoned(double first_value) {
    Tensor t = Input(0, 1);
    t.numbers[0] = first_value;
    return t;
  }

  static testing::TempDir* dir_;
  static Json* expected_;
};
testing::TempDir* PythonBackendTest::dir_ = nullptr;
Json* PythonBackendTest::expected_ = nullptr;

TEST_F(PythonBackendTest, SklearnForestAnswersWhatItPredictsInPython) {
  auto backend = PythonBackend::Load(dir_->path(), {{"format", "python"}}, 2);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto out = (*backend)->Infer({Input(0, 10)});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 2u);
  const Tensor& probs = (*out)[0];
  EXPECT_EQ(probs.name, "probabilities");
  EXPECT_EQ(probs.datatype, DataType::kFp64);
  EXPECT_EQ(probs.shape, (std::vector<int64_t>{10, 2}));
  std::vector<double> want;
  for (const Json& row : (*expected_)["probabilities"]) {
    for (const Json& v : row) want.push_back(v.get<double>());
  }
  EXPECT_EQ(probs.numbers, want);
  EXPECT_EQ((*out)[1].name, "label");
  EXPECT_EQ((*out)[1].datatype, DataType::kInt64);
  EXPECT_EQ((*out)[1].numbers, (*expected_)["label"].get<std::vector<double>>());
  // The signature model.py declares describes the model.
  Json md = (*backend)->Metadata();
  EXPECT_EQ(md["platform"], "python");
  EXPECT_EQ(md["inputs"], Json::parse(R"([{"name":"input","datatype":"FP64","shape":[-1,30]}])"));
  EXPECT_EQ(md["outputs"][1], Json::parse(R"({"name":"label","datatype":"INT64","shape":[-1]})"));
  EXPECT_EQ((*backend)->Infer({Tensor{"input", DataType::kFp64, {1, 3}, {1, 2, 3}, {}}})
                .status()
                .message(),
            "input 'input': expected shape [-1,30], got [1,3]");
}

// The artifact store keeps a model file by its sha256, without an extension, and the
// replica is handed that path: a file is the model, whatever its name.
TEST_F(PythonBackendTest, AModelFileWithoutPyExtensionIsTheModel) {
  const std::string file = *dir_ / "9f86d081884c7d659a2feaa0c55ad015";
  ASSERT_TRUE(WriteFileAtomic(file, kModelPy).ok());
  auto backend = PythonBackend::Load(file, {{"format", "python"}}, 1);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto out = (*backend)->Infer({Input(0, 10)});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[1].numbers, (*expected_)["label"].get<std::vector<double>>());
}

TEST_F(PythonBackendTest, AnExceptionIsTheRequestsErrorAndTheWorkerLivesOn) {
  auto backend = PythonBackend::Load(dir_->path(), {{"format", "python"}}, 1);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto raised = (*backend)->Infer({Poisoned(-1)});
  EXPECT_EQ(raised.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(raised.status().message(), "predict() raised ValueError: radius must not be negative");
  EXPECT_TRUE((*backend)->Infer({Input(0, 1)}).ok());
  EXPECT_EQ((*backend)->restarts(), 0);
}

TEST_F(PythonBackendTest, ACrashedWorkerIsReplacedAndItsRequestAnswered) {
  auto backend = PythonBackend::Load(dir_->path(), {{"format", "python"}}, 1);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto crashed = (*backend)->Infer({Poisoned(-2)});
  EXPECT_EQ(crashed.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(crashed.status().message().find(") exited with code 3 while predicting; it is replaced"),
            std::string::npos)
      << crashed.status().message();
  // The only worker died; the next request starts a new one and is answered.
  auto after = (*backend)->Infer({Input(3, 2)});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ((*after)[1].numbers, (std::vector<double>{(*expected_)["label"][3].get<double>(),
                                                      (*expected_)["label"][4].get<double>()}));
  EXPECT_EQ((*backend)->restarts(), 1);
}

TEST_F(PythonBackendTest, AHungWorkerIsKilledAtTheTimeout) {
  auto backend =
      PythonBackend::Load(dir_->path(), {{"format", "python"}, {"timeout_ms", 300}}, 1);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto hung = (*backend)->Infer({Poisoned(-3)});
  EXPECT_EQ(hung.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(hung.status().message().find(") took longer than 300 ms while predicting; it is replaced"),
            std::string::npos)
      << hung.status().message();
  EXPECT_TRUE((*backend)->Infer({Input(0, 1)}).ok());
}

TEST_F(PythonBackendTest, AModelThatDoesNotLoadSaysWhy) {
  testing::TempDir empty;
  ASSERT_TRUE(WriteFileAtomic(empty / "model.py", "import no_such_module_here\n").ok());
  auto backend = PythonBackend::Load(empty.path(), {{"format", "python"}}, 1);
  ASSERT_FALSE(backend.ok());
  EXPECT_EQ(backend.status().message(),
            "cannot load the python model '" + empty.path() +
                "': ModuleNotFoundError: No module named 'no_such_module_here'");
  ASSERT_TRUE(WriteFileAtomic(empty / "model.py", "x = 1\n").ok());
  backend = PythonBackend::Load(empty.path(), {{"format", "python"}}, 1);
  EXPECT_NE(backend.status().message().find("defines no predict(inputs) function"),
            std::string::npos)
      << backend.status().message();
}

}  // namespace
}  // namespace tandem::serving
