#include "serving/xgboost_backend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/fs.h"
#include "serving/test_util.h"

namespace tandem::serving {
namespace {

using testing::Row;

Tensor Input(const ml::DenseMatrix& x, size_t first, size_t n) {
  Tensor t{"input", DataType::kFp32, {static_cast<int64_t>(n), static_cast<int64_t>(x.cols)}, {}, {}};
  for (size_t r = first; r < first + n; ++r) {
    auto row = Row(x, r);
    t.numbers.insert(t.numbers.end(), row.begin(), row.end());
  }
  return t;
}

ml::DenseMatrix Slice(const ml::DenseMatrix& x, size_t first, size_t n) {
  return {std::vector<float>(x.values.begin() + first * x.cols,
                             x.values.begin() + (first + n) * x.cols),
          n, x.cols};
}

std::unique_ptr<XgboostBackend> Build(testing::TrainedModel& t, const ml::XgbModel** model) {
  auto dir = UniqueTempPath("tandem-serving-backend-test", ".json");
  EXPECT_TRUE(t.model.Save(dir.string()).ok());
  auto b = XgboostBackend::Load(dir.string(), t.meta, 1);
  std::filesystem::remove(dir);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  *model = &t.model;
  return b.ok() ? std::move(b).value() : nullptr;
}

TEST(XgboostBackendTest, BinaryClassifierMatchesThePlainModel) {
  auto t = testing::TrainBreastCancer();
  const ml::XgbModel* model = nullptr;
  auto backend = Build(t, &model);
  ASSERT_NE(backend, nullptr);
  EXPECT_TRUE(backend->is_classifier());
  EXPECT_EQ(backend->num_classes(), 2u);

  const size_t n = 50;
  auto out = backend->Infer({Input(t.data.x, 100, n)});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 2u);
  const Tensor& probs = (*out)[0];
  const Tensor& label = (*out)[1];
  EXPECT_EQ(probs.name, "probabilities");
  EXPECT_EQ(probs.datatype, DataType::kFp32);
  EXPECT_EQ(probs.shape, (std::vector<int64_t>{50, 2}));
  EXPECT_EQ(label.name, "label");
  EXPECT_EQ(label.datatype, DataType::kInt64);
  EXPECT_EQ(label.shape, (std::vector<int64_t>{50}));

  auto direct = model->Predict(Slice(t.data.x, 100, n));
  ASSERT_TRUE(direct.ok());
  int correct = 0;
  for (size_t r = 0; r < n; ++r) {
    float p1 = direct->values[r];
    EXPECT_EQ(probs.numbers[2 * r + 1], p1);
    EXPECT_NEAR(probs.numbers[2 * r] + probs.numbers[2 * r + 1], 1.0, 1e-6);
    EXPECT_EQ(label.numbers[r], p1 > 0.5f ? 1 : 0);
    correct += label.numbers[r] == t.data.y[100 + r];
  }
  EXPECT_GE(correct, 45);  // a real model on real data, not noise
}

TEST(XgboostBackendTest, MulticlassGivesOneColumnPerClassAndArgmax) {
  auto t = testing::TrainIris();
  const ml::XgbModel* model = nullptr;
  auto backend = Build(t, &model);
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->num_classes(), 3u);
  auto out = backend->Infer({Input(t.data.x, 0, 150)});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const Tensor& probs = (*out)[0];
  EXPECT_EQ(probs.shape, (std::vector<int64_t>{150, 3}));
  auto direct = model->Predict(t.data.x);
  ASSERT_TRUE(direct.ok());
  int correct = 0;
  for (size_t r = 0; r < 150; ++r) {
    double sum = 0;
    size_t best = 0;
    for (size_t c = 0; c < 3; ++c) {
      EXPECT_EQ(probs.numbers[3 * r + c], direct->values[3 * r + c]);
      sum += probs.numbers[3 * r + c];
      if (probs.numbers[3 * r + c] > probs.numbers[3 * r + best]) best = c;
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
    EXPECT_EQ((*out)[1].numbers[r], best);
    correct += (*out)[1].numbers[r] == t.data.y[r];
  }
  EXPECT_GE(correct, 140);
  Json md = backend->Metadata();
  EXPECT_EQ(md["platform"], "xgboost");
  EXPECT_EQ(md["inputs"][0]["shape"], Json::parse("[-1, 4]"));
  EXPECT_EQ(md["outputs"][0]["shape"], Json::parse("[-1, 3]"));
  EXPECT_EQ(md["parameters"]["classes"], Json::parse(R"(["setosa","versicolor","virginica"])"));
}

TEST(XgboostBackendTest, RegressionPredictsOneValuePerRow) {
  auto d = testing::LoadSklearnCsv("iris.csv");
  // Predict petal width (column 3) from the other three.
  ml::DenseMatrix x{{}, d.x.rows, 3};
  std::vector<float> y;
  for (size_t r = 0; r < d.x.rows; ++r) {
    for (size_t c = 0; c < 3; ++c) x.values.push_back(d.x.values[r * 4 + c]);
    y.push_back(d.x.values[r * 4 + 3]);
  }
  auto m = ml::XgbModel::Train(x, y, {{"objective", "reg:squarederror"}, {"nthread", "1"}}, 10);
  ASSERT_TRUE(m.ok());
  auto direct = m->Predict(x);
  ASSERT_TRUE(direct.ok());
  auto b = XgboostBackend::Create(std::move(m).value(),
                                  {{"format", "xgboost"}, {"task", "regression"},
                                   {"objective", "reg:squarederror"}});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  Tensor in{"input", DataType::kFp64, {static_cast<int64_t>(x.rows), 3}, {}, {}};
  in.numbers.assign(x.values.begin(), x.values.end());
  auto out = (*b)->Infer({in});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].name, "predictions");
  EXPECT_EQ((*out)[0].shape, (std::vector<int64_t>{150}));
  for (size_t r = 0; r < 150; ++r) EXPECT_EQ((*out)[0].numbers[r], direct->values[r]);
  EXPECT_EQ((*b)->Metadata()["outputs"][0]["name"], "predictions");
}

TEST(XgboostBackendTest, RefusesWhatTheModelCannotTake) {
  auto t = testing::TrainBreastCancer();
  auto b = XgboostBackend::Create(std::move(t.model), t.meta);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  auto& backend = **b;
  auto message = [&](const std::vector<Tensor>& in) {
    auto r = backend.Infer(in);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    return r.status().message();
  };
  Tensor narrow{"input", DataType::kFp32, {2, 29}, std::vector<double>(58, 1.0), {}};
  EXPECT_EQ(message({narrow}), "input 'input': expected shape [N,30], got [2,29]");
  Tensor flat{"x", DataType::kFp32, {30}, std::vector<double>(30, 1.0), {}};
  EXPECT_EQ(message({flat}), "input 'x': expected shape [N,30], got [30]");
  Tensor good = Input(t.data.x, 0, 1);
  EXPECT_EQ(message({}), "expected exactly 1 input tensor, got 0");
  EXPECT_EQ(message({good, good}), "expected exactly 1 input tensor, got 2");
  Tensor text{"input", DataType::kBytes, {1, 30}, {}, std::vector<std::string>(30, "a")};
  EXPECT_EQ(message({text}),
            "input 'input': datatype BYTES is not supported (expected FP32, FP64, INT32 or INT64)");
  Tensor flags{"input", DataType::kBool, {1, 30}, std::vector<double>(30, 1), {}};
  EXPECT_EQ(message({flags}),
            "input 'input': datatype BOOL is not supported (expected FP32, FP64, INT32 or INT64)");
  Tensor ints{"input", DataType::kInt64, {1, 30}, std::vector<double>(30, 3), {}};
  EXPECT_TRUE(backend.Infer({ints}).ok());
  Tensor none{"input", DataType::kFp32, {0, 30}, {}, {}};
  auto empty = backend.Infer({none});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ((*empty)[0].shape, (std::vector<int64_t>{0, 2}));
}

TEST(XgboostBackendTest, MetaThatDisagreesWithTheModelIsRefused) {
  auto t = testing::TrainBreastCancer();
  Json meta = t.meta;
  meta["features"].erase(0);
  auto path = UniqueTempPath("tandem-serving-meta-test", ".json");
  ASSERT_TRUE(t.model.Save(path.string()).ok());
  auto b = XgboostBackend::Load(path.string(), meta, 1);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), "meta.features: lists 29 names but the model takes 30 features");
  meta = t.meta;
  meta["classes"] = {"a", "b", "c"};
  b = XgboostBackend::Load(path.string(), meta, 1);
  EXPECT_EQ(b.status().message(), "meta.classes: lists 3 classes but the model predicts 2");
  meta = t.meta;
  meta["objective"] = "multi:softmax";
  b = XgboostBackend::Load(path.string(), meta, 1);
  EXPECT_NE(b.status().message().find("'multi:softmax' is not supported"), std::string::npos);
  std::filesystem::remove(path);

  auto bad = UniqueTempPath("tandem-serving-corrupt-model", ".json");
  ASSERT_TRUE(WriteFileAtomic(bad, "{not a model").ok());
  auto corrupt = LoadBackend(bad.string(), t.meta);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.status().message().find("cannot load the XGBoost model"), std::string::npos);
  std::filesystem::remove(bad);
  auto onnx = LoadBackend(bad.string(), {{"format", "onnx"}});
  EXPECT_EQ(onnx.status().message(),
            "meta.format: no serving backend for model format 'onnx' (available: xgboost, torchscript, python, linear, kmeans)");
}

}  // namespace
}  // namespace tandem::serving
