#include "serving/class_labels_backend.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "ml/linear_model.h"
#include "serving/test_util.h"

namespace tandem::serving {
namespace {

const Tensor* Output(const std::vector<Tensor>& out, const std::string& name) {
  for (const Tensor& t : out) {
    if (t.name == name) return &t;
  }
  ADD_FAILURE() << "no output '" << name << "'";
  return nullptr;
}

std::vector<std::string> OutputNames(const Json& metadata) {
  std::vector<std::string> names;
  for (const Json& o : metadata["outputs"]) names.push_back(o["name"]);
  return names;
}

// Every class name answered is the name of the class the index says.
void ExpectClassesFollowLabels(const std::vector<Tensor>& out, const std::vector<std::string>& classes) {
  const Tensor* label = Output(out, "label");
  const Tensor* names = Output(out, "class");
  ASSERT_TRUE(label && names);
  EXPECT_EQ(names->datatype, DataType::kBytes);
  ASSERT_EQ(names->strings.size(), label->numbers.size());
  for (size_t r = 0; r < label->numbers.size(); ++r) {
    EXPECT_EQ(names->strings[r], classes[static_cast<size_t>(label->numbers[r])]);
  }
}

TEST(ClassLabelsBackendTest, XgboostIrisAnswersClassNames) {
  testing::TrainedModel t = testing::TrainIris();
  testing::TempDir dir;
  ASSERT_TRUE(t.model.Save(dir / "model.json").ok());
  auto b = LoadBackend(dir / "model.json", t.meta);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(OutputNames((*b)->Metadata()),
            (std::vector<std::string>{"probabilities", "label", "class"}));
  // Rows 0, 60 and 120 of iris: one of each species, each predicted right.
  Tensor x{"input", DataType::kFp32, {3, 4}, {}, {}};
  for (size_t r : {0, 60, 120}) {
    for (double v : testing::Row(t.data.x, r)) x.numbers.push_back(v);
  }
  auto out = (*b)->Infer({x});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ExpectClassesFollowLabels(*out, t.data.classes);
  EXPECT_EQ(Output(*out, "class")->strings,
            (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
}

TEST(ClassLabelsBackendTest, LogisticRegressionAnswersClassNames) {
  ml::LinearModel m{"logistic", {"a", "b"}, {0.5}, {{1, -2}}};
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir / "model.json", m.ToJson().dump()).ok());
  auto b = LoadBackend(dir / "model.json", {{"format", "linear"}, {"classes", {"no", "yes"}}});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  // scores -0.5, -2.5, 5.5: classes no, no, yes.
  auto out = (*b)->Infer({Tensor{"input", DataType::kFp64, {3, 2}, {1, 1, -2, 0.5, 3, -1}, {}}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Output(*out, "class")->strings, (std::vector<std::string>{"no", "no", "yes"}));
  ExpectClassesFollowLabels(*out, {"no", "yes"});
}

// What tandem_op.save_python_model writes: probabilities only, classes in the meta.
constexpr const char* kProbabilitiesOnly = R"py(
import numpy as np
def predict(inputs):
    x = np.asarray(inputs["input"], dtype=np.float64)
    p = 1 / (1 + np.exp(-x[:, 0]))
    return {"probabilities": np.stack([1 - p, p], axis=1).astype(np.float32)}
)py";

TEST(ClassLabelsBackendTest, PythonModelGetsLabelAndClassBesideItsProbabilities) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir / "model.py", kProbabilitiesOnly).ok());
  Json meta = Json::parse(R"({"format": "python", "task": "classification",
      "classes": ["benign", "malignant"],
      "signature": {"inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, 1]}],
                    "outputs": [{"name": "probabilities", "datatype": "FP32", "shape": [-1, 2]}]}})");
  auto b = LoadBackend(dir / "model.py", meta, {1, 1});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(OutputNames((*b)->Metadata()),
            (std::vector<std::string>{"probabilities", "label", "class"}));
  auto out = (*b)->Infer({Tensor{"input", DataType::kFp32, {3, 1}, {-2, 3, 0.5}, {}}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Output(*out, "label")->numbers, (std::vector<double>{0, 1, 1}));
  EXPECT_EQ(Output(*out, "class")->strings,
            (std::vector<std::string>{"benign", "malignant", "malignant"}));
}

TEST(ClassLabelsBackendTest, ModelsWithoutClassNamesAreLeftAlone) {
  ml::LinearModel reg{"identity", {"a", "b"}, {1}, {{2, 3}}};
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir / "model.json", reg.ToJson().dump()).ok());
  auto b = LoadBackend(dir / "model.json", {{"format", "linear"}});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(OutputNames((*b)->Metadata()), (std::vector<std::string>{"predictions"}));
}

}  // namespace
}  // namespace tandem::serving
