// The C API against the model it wraps: same numbers as ml::XgbModel on the same
// (transformed) rows, and errors that say what is wrong.
#include "sdk/tandem_predict.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/fs.h"
#include "core/json.h"
#include "core/sha256.h"
#include "ml/linear_model.h"
#include "ml/xgboost_model.h"
#include "sdk/exporter.h"

namespace tandem {
namespace {

class TandemPredictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir(std::filesystem::temp_directory_path(), "tandem-sdk-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    // y = 1 when a + 2b > 10, over a small grid.
    for (int a = 0; a < 20; ++a) {
      for (int b = 0; b < 10; ++b) {
        x_.values.push_back(static_cast<float>(a));
        x_.values.push_back(static_cast<float>(b));
        y_.push_back(a + 2 * b > 10 ? 1.0f : 0.0f);
      }
    }
    x_.rows = y_.size();
    x_.cols = 2;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Trains on the standardized grid and writes model.json + meta.json.
  ml::XgbModel Write(bool with_transforms) {
    ml::DenseMatrix shaped = x_;
    if (with_transforms) {
      for (size_t r = 0; r < shaped.rows; ++r) {
        shaped.values[r * 2] = static_cast<float>((x_.values[r * 2] - 9.5) / 5.0);
      }
    }
    auto model = ml::XgbModel::Train(
        shaped, y_, {{"objective", "binary:logistic"}, {"seed", "1"}, {"nthread", "1"}}, 10);
    EXPECT_TRUE(model.ok());
    EXPECT_TRUE(model->Save((dir_ / "model.json").string()).ok());
    Json meta = {{"format", "xgboost"}, {"task", "classification"}, {"objective", "binary:logistic"},
                 {"features", {"a", "b"}}, {"classes", {"no", "yes"}}};
    if (with_transforms) {
      meta["transforms"] = Json::parse(
          R"([{"kind": "standardize", "columns": {"a": {"mean": 9.5, "std": 5.0}}}])");
    }
    EXPECT_TRUE(WriteFileAtomic(dir_ / "meta.json", meta.dump()).ok());
    return std::move(model).value();
  }

  std::filesystem::path dir_;
  ml::DenseMatrix x_;
  std::vector<float> y_;
};

TEST_F(TandemPredictTest, PredictsWhatTheModelPredictsAfterTheTransforms) {
  ml::XgbModel model = Write(true);
  char err[256] = "";
  tandem_model* m = tandem_model_load(dir_.c_str(), err, sizeof err);
  ASSERT_NE(m, nullptr) << err;
  ASSERT_EQ(tandem_model_num_inputs(m), 2u);
  EXPECT_STREQ(tandem_model_input_name(m, 0), "a");
  EXPECT_EQ(tandem_model_input_is_text(m, 0), 0);
  ASSERT_EQ(tandem_model_output_width(m), 2u);
  EXPECT_STREQ(tandem_model_class_name(m, 1), "yes");

  // Columns in another order, plus one the model does not read.
  const char* names[] = {"b", "ignored", "a"};
  const double rows[] = {4, 99, 3, 0, 99, 17};
  float out[4];
  ASSERT_EQ(tandem_predict(m, rows, 2, 3, names, out, 4, err, sizeof err), 0) << err;
  ml::DenseMatrix shaped{{static_cast<float>((3 - 9.5) / 5.0), 4, static_cast<float>((17 - 9.5) / 5.0), 0}, 2, 2};
  auto expected = model.Predict(shaped);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(out[1], expected->values[0]);
  EXPECT_EQ(out[0], 1.0f - expected->values[0]);
  EXPECT_EQ(out[3], expected->values[1]);

  const char* cells[] = {"4", "x", "3"};
  float text_out[2];
  ASSERT_EQ(tandem_predict_text(m, cells, 1, 3, names, text_out, 2, err, sizeof err), 0) << err;
  EXPECT_EQ(text_out[1], out[1]);
  tandem_model_free(m);
}

TEST_F(TandemPredictTest, ErrorsSayWhatIsWrong) {
  Write(false);
  char err[256] = "";
  EXPECT_EQ(tandem_model_load("/nonexistent", err, sizeof err), nullptr);
  EXPECT_NE(std::string(err).find("/nonexistent"), std::string::npos) << err;
  tandem_model* m = tandem_model_load(dir_.c_str(), err, sizeof err);
  ASSERT_NE(m, nullptr) << err;
  const char* names[] = {"a"};
  const double rows[] = {1};
  float out[2];
  EXPECT_EQ(tandem_predict(m, rows, 1, 1, names, out, 2, err, sizeof err), -1);
  EXPECT_STREQ(err, "no column named 'b' in the rows (the model reads 2 columns)");
  const char* both[] = {"a", "b"};
  const char* cells[] = {"1", "seven"};
  EXPECT_EQ(tandem_predict_text(m, cells, 1, 2, both, out, 2, err, sizeof err), -1);
  EXPECT_STREQ(err, "row 1, column 'b': 'seven' is not a number");
  const double two[] = {1, 2};
  EXPECT_EQ(tandem_predict(m, two, 1, 2, nullptr, out, 1, err, sizeof err), -1);
  EXPECT_STREQ(err, "out holds 1 floats; 2 are needed");
  tandem_model_free(m);
}

// Linear and k-means models are exported too: the same numbers as ml:: on the same rows.
TEST_F(TandemPredictTest, LinearAndKMeansModelsPredictLikeTheirMlCode) {
  ml::LinearModel logistic{"logistic", {"a", "b"}, {-10}, {{1, 2}}};
  ml::KMeansModel kmeans{{"a", "b"}, {{0, 0}, {10, 5}, {20, 0}}};
  const ml::DenseMatrix x{{3, 4, 17, 0, 9.5f, 1}, 3, 2};
  const char* names[] = {"a", "b"};
  const double rows[] = {3, 4, 17, 0, 9.5, 1};
  for (const std::string format : {"linear", "kmeans"}) {
    SCOPED_TRACE(format);
    const Json model = format == "linear" ? logistic.ToJson() : kmeans.ToJson();
    Json meta = {{"format", format}, {"features", {"a", "b"}},
                 {"task", format == "linear" ? "classification" : "clustering"}};
    if (format == "linear") meta["classes"] = {"no", "yes"};
    ASSERT_TRUE(WriteFileAtomic(dir_ / "model.json", model.dump()).ok());
    ASSERT_TRUE(WriteFileAtomic(dir_ / "meta.json", meta.dump()).ok());
    auto expected = format == "linear" ? logistic.Predict(x) : kmeans.Predict(x);
    ASSERT_TRUE(expected.ok());
    char err[256] = "";
    tandem_model* m = tandem_model_load(dir_.c_str(), err, sizeof err);
    ASSERT_NE(m, nullptr) << err;
    ASSERT_EQ(tandem_model_output_width(m), expected->width);
    std::vector<float> out(3 * expected->width);
    ASSERT_EQ(tandem_predict(m, rows, 3, 2, names, out.data(), out.size(), err, sizeof err), 0) << err;
    EXPECT_EQ(out, expected->values);
    tandem_model_free(m);
  }
  EXPECT_EQ(kmeans.Predict(x)->values, (std::vector<float>{0, 2, 1}));
}

// A date column is text the chain's date-parts step replays (a new user's export of a
// model trained after date-features refused it: the SDK did not know dates are text).
TEST_F(TandemPredictTest, ADateColumnIsTextThatDatePartsReplay) {
  ml::LinearModel linear{"identity", {"sold.year", "sold.month"}, {0}, {{1, 100}}};
  Json meta = {{"format", "linear"}, {"task", "regression"}, {"features", {"sold.year", "sold.month"}},
               {"transforms", Json::parse(R"([{"kind": "date-parts", "columns": {"sold": ["year", "month"]}}])")}};
  ASSERT_TRUE(WriteFileAtomic(dir_ / "model.json", linear.ToJson().dump()).ok());
  ASSERT_TRUE(WriteFileAtomic(dir_ / "meta.json", meta.dump()).ok());
  char err[256] = "";
  tandem_model* m = tandem_model_load(dir_.c_str(), err, sizeof err);
  ASSERT_NE(m, nullptr) << err;
  ASSERT_EQ(tandem_model_num_inputs(m), 1u);
  EXPECT_STREQ(tandem_model_input_name(m, 0), "sold");
  EXPECT_EQ(tandem_model_input_is_text(m, 0), 1);
  const char* names[] = {"sold"};
  const char* cells[] = {"2024-03-15", "1999-12-31"};
  float out[2];
  ASSERT_EQ(tandem_predict_text(m, cells, 2, 1, names, out, 2, err, sizeof err), 0) << err;
  EXPECT_EQ(out[0], 2024 + 300);
  EXPECT_EQ(out[1], 1999 + 1200);
  tandem_model_free(m);
}

// What `model export` covers is said before anything is fetched or written.
TEST(ExporterTest, SaysWhichFormatsItCovers) {
  EXPECT_TRUE(sdk::CheckExportable({{"format", "linear"}}).ok());
  EXPECT_TRUE(sdk::CheckExportable({{"format", "kmeans"}}).ok());
  Status st = sdk::CheckExportable({{"format", "python"}});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "format: `tandem model export` covers xgboost, linear, kmeans models; this "
                          "version is 'python' (serve it with `tandem service deploy` instead)");
  sdk::ExportRequest req;
  req.format = "c-sdk";
  req.out_dir = "/nonexistent/never-written";
  req.version = {{"format", "torchscript"}};
  auto result = sdk::Export(req);
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(req.out_dir));
}

// A model file rewritten on disk reaches the exporter with bytes that do not hash to
// the version's digest: refused before anything is written.
TEST(ExporterTest, RefusesModelBytesThatDoNotMatchTheDigest) {
  sdk::ExportRequest req;
  req.format = "c-sdk";
  req.out_dir = "/nonexistent/never-written";
  req.model_bytes = "{\"tampered\": true}";
  req.version = {{"model", "cancer"}, {"version", 3}, {"format", "xgboost"},
                 {"digest", Sha256Hex("{\"original\": true}")}};
  auto result = sdk::Export(req);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(result.status().message().find("cancer:3 no longer matches its digest " +
                                           Sha256Hex("{\"original\": true}")),
            std::string::npos)
      << result.status().message();
  EXPECT_FALSE(std::filesystem::exists(req.out_dir));
}

}  // namespace
}  // namespace tandem
