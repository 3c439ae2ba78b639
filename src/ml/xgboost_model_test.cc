#include "ml/xgboost_model.h"

#include <gtest/gtest.h>

#include "core/fs.h"

#include <cstdio>
#include <filesystem>

namespace tandem::ml {
namespace {

// y = 1 when x0 > 0.5: a forest of depth-1 trees learns it exactly.
DenseMatrix Threshold(std::vector<float>* labels) {
  DenseMatrix x{{}, 200, 2};
  for (size_t i = 0; i < x.rows; ++i) {
    float v = static_cast<float>(i) / x.rows;
    x.values.push_back(v);
    x.values.push_back(static_cast<float>(i % 7));
    labels->push_back(v > 0.5f ? 1.0f : 0.0f);
  }
  return x;
}

TEST(XgbModelTest, TrainsSavesLoadsAndPredictsTheSame) {
  std::vector<float> y;
  DenseMatrix x = Threshold(&y);
  int rounds_seen = 0;
  auto model = XgbModel::Train(x, y, {{"objective", "binary:logistic"}, {"max_depth", "2"}}, 10,
                               [&](int) { ++rounds_seen; });
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(rounds_seen, 10);
  EXPECT_EQ(model->num_features(), 2u);
  auto p = model->Predict(x);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->width, 1u);
  EXPECT_LT(p->values[10], 0.5f);
  EXPECT_GT(p->values[190], 0.5f);

  auto path = UniqueTempPath("tandem-xgb-test", ".json");
  ASSERT_TRUE(model->Save(path.string()).ok());
  auto loaded = XgbModel::Load(path.string(), 1);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto q = loaded->Predict(x);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(p->values, q->values);
  std::filesystem::remove(path);
}

TEST(XgbModelTest, MulticlassGivesOneColumnPerClass) {
  DenseMatrix x{{}, 90, 1};
  std::vector<float> y;
  for (size_t i = 0; i < x.rows; ++i) {
    x.values.push_back(static_cast<float>(i));
    y.push_back(static_cast<float>(i / 30));
  }
  auto model = XgbModel::Train(x, y, {{"objective", "multi:softprob"}, {"num_class", "3"}}, 5);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto p = model->Predict(x);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->width, 3u);
  EXPECT_EQ(p->values.size(), 270u);
}

TEST(XgbModelTest, ErrorsNameTheProblem) {
  std::vector<float> y;
  DenseMatrix x = Threshold(&y);
  auto bad = XgbModel::Train(x, y, {{"objective", "no:such"}}, 2);
  ASSERT_FALSE(bad.ok());
  auto model = XgbModel::Train(x, y, {{"objective", "binary:logistic"}}, 2);
  ASSERT_TRUE(model.ok());
  DenseMatrix wrong{{1, 2, 3}, 1, 3};
  auto p = model->Predict(wrong);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "expected 2 features per row, got 3");
  EXPECT_FALSE(XgbModel::Load("/nonexistent/model.json").ok());
}

}  // namespace
}  // namespace tandem::ml
