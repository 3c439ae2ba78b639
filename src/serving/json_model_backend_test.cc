#include "serving/json_model_backend.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "serving/backend.h"
#include "serving/test_util.h"

namespace tandem::serving {
namespace {

const ml::DenseMatrix kRows{{1, 1, -2, 0.5, 3, -1}, 3, 2};

// Writes `model` and serves it through LoadBackend, as a replica would.
template <typename Model>
std::unique_ptr<Backend> Serve(const testing::TempDir& dir, const Model& model, Json meta) {
  EXPECT_TRUE(WriteFileAtomic(dir / "model.json", model.ToJson().dump()).ok());
  auto b = LoadBackend(dir / "model.json", meta);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? std::move(b).value() : nullptr;
}

Tensor Input() {
  return {"input", DataType::kFp64, {3, 2}, {kRows.values.begin(), kRows.values.end()}, {}};
}

TEST(JsonModelBackendTest, LogisticRegressionAnswersLikeTheModel) {
  ml::LinearModel m{"logistic", {"a", "b"}, {0.5}, {{1, -2}}};
  testing::TempDir dir;
  auto b = Serve(dir, m, {{"format", "linear"}, {"classes", {"no", "yes"}}});
  ASSERT_TRUE(b);
  auto direct = m.Predict(kRows);
  ASSERT_TRUE(direct.ok());
  auto out = b->Infer({Input()});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0].name, "probabilities");
  EXPECT_EQ((*out)[0].shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ((*out)[0].numbers, std::vector<double>(direct->values.begin(), direct->values.end()));
  // scores -0.5, -2.5, 5.5: classes no, no, yes.
  EXPECT_EQ((*out)[1].numbers, (std::vector<double>{0, 0, 1}));
  EXPECT_EQ(b->Metadata()["parameters"],
            Json::parse(R"({"task":"classification","features":["a","b"],"classes":["no","yes"],
                            "link":"logistic"})"));
}

TEST(JsonModelBackendTest, RegressionAndKMeans) {
  testing::TempDir dir;
  ml::LinearModel reg{"identity", {"a", "b"}, {1}, {{2, 3}}};
  auto b = Serve(dir, reg, {{"format", "linear"}});
  ASSERT_TRUE(b);
  auto out = b->Infer({Input()});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].name, "predictions");
  EXPECT_EQ((*out)[0].numbers, (std::vector<double>{6, -1.5, 4}));

  ml::KMeansModel km{{"a", "b"}, {{0, 0}, {3, -1}}};
  b = Serve(dir, km, {{"format", "kmeans"}});
  ASSERT_TRUE(b);
  out = b->Infer({Input()});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].name, "cluster");
  EXPECT_EQ((*out)[0].datatype, DataType::kInt64);
  EXPECT_EQ((*out)[0].numbers, (std::vector<double>{0, 0, 1}));
  EXPECT_EQ(b->Infer({Tensor{"input", DataType::kFp64, {1, 3}, {1, 2, 3}, {}}}).status().message(),
            "input 'input': expected shape [N,2], got [1,3]");
  auto mismatch = LoadBackend(dir / "model.json", {{"format", "kmeans"}, {"features", {"x", "y"}}});
  EXPECT_EQ(mismatch.status().message(),
            "meta.features: do not match the features of the model file '" + (dir / "model.json") +
                "'");
}

}  // namespace
}  // namespace tandem::serving
