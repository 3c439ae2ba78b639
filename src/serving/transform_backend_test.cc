#include "serving/transform_backend.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tandem::serving {
namespace {

// Takes one FP32 matrix of `width` features and returns it as "echo": the test sees
// exactly what the transforms fed the model.
class EchoBackend : public Backend {
 public:
  explicit EchoBackend(int64_t width) : width_(width) {}
  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override {
    EXPECT_EQ(inputs[0].name, "features");
    EXPECT_EQ(inputs[0].datatype, DataType::kFp32);
    Tensor echo = inputs[0];
    echo.name = "echo";
    return std::vector<Tensor>{echo};
  }
  Json Metadata() const override {
    return {{"platform", "echo"},
            {"inputs", {{{"name", "features"}, {"datatype", "FP32"}, {"shape", {-1, width_}}}}},
            {"outputs", {{{"name", "echo"}, {"datatype", "FP32"}, {"shape", {-1, width_}}}}},
            {"parameters", {{"task", "test"}}}};
  }

 private:
  int64_t width_;
};

const Json kChain = Json::parse(R"([
  {"kind": "impute", "columns": {"age": 40, "city": "Paris"}},
  {"kind": "standardize", "columns": {"age": {"mean": 40, "std": 10}}},
  {"kind": "one-hot", "columns": {"city": ["Paris", "Rome"]}}])");

std::unique_ptr<TransformBackend> Make(const Json& chain, std::vector<std::string> features) {
  auto b = TransformBackend::Create(std::make_unique<EchoBackend>(features.size()), chain, features);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? std::move(b).value() : nullptr;
}

TEST(TransformBackendTest, RawColumnsGoThroughTheChainBeforeTheModel) {
  auto b = Make(kChain, {"age", "city=Paris", "city=Rome", "income"});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->raw_columns(), (std::vector<std::string>{"age", "city", "income"}));
  const double nan = std::nan("");
  Tensor age{"age", DataType::kFp64, {3}, {50, nan, 20}, {}};
  Tensor city{"city", DataType::kBytes, {3, 1}, {}, {"Rome", "", "Oslo"}};
  Tensor income{"income", DataType::kInt64, {3}, {1, 2, 3}, {}};
  auto out = b->Infer({city, income, age});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const Tensor& echo = (*out)[0];
  EXPECT_EQ(echo.shape, (std::vector<int64_t>{3, 4}));
  // age standardized (missing -> 40 -> 0); city one-hot (missing -> Paris; Oslo unseen
  // -> zeros); income as sent.
  EXPECT_EQ(echo.numbers, (std::vector<double>{1, 0, 1, 1,   //
                                               0, 1, 0, 2,   //
                                               -2, 0, 0, 3}));
  Json md = b->Metadata();
  EXPECT_EQ(md["inputs"], Json::parse(R"([
      {"name": "age", "datatype": "FP64", "shape": [-1]},
      {"name": "city", "datatype": "BYTES", "shape": [-1]},
      {"name": "income", "datatype": "FP64", "shape": [-1]}])"));
  EXPECT_EQ(md["outputs"][0]["name"], "echo");
  EXPECT_EQ(md["parameters"]["task"], "test");
  EXPECT_EQ(md["parameters"]["raw_columns"], Json::parse(R"(["age","city","income"])"));
  EXPECT_EQ(md["parameters"]["transforms"], kChain);
}

TEST(TransformBackendTest, AcceptsOneMatrixOfTheRawColumns) {
  Json chain = Json::parse(R"([{"kind": "min-max-scale", "columns": {"x": {"min": 0, "max": 4}}}])");
  auto b = Make(chain, {"x", "y"});
  ASSERT_TRUE(b);
  auto out = b->Infer({Tensor{"raw", DataType::kFp64, {2, 2}, {1, 7, 4, 8}, {}}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0].numbers, (std::vector<double>{0.25, 7, 1, 8}));
  EXPECT_EQ(b->Infer({Tensor{"raw", DataType::kFp64, {1, 3}, {1, 2, 3}, {}}}).status().message(),
            "input 'raw': expected shape [N,2] (the raw columns), got [1,3]");
}

TEST(TransformBackendTest, BadRawRequestsNameTheColumn) {
  auto b = Make(kChain, {"age", "city=Paris", "city=Rome", "income"});
  ASSERT_TRUE(b);
  Tensor age{"age", DataType::kFp64, {2}, {50, 60}, {}};
  Tensor city{"city", DataType::kBytes, {2}, {}, {"Rome", "Paris"}};
  Tensor income{"income", DataType::kFp64, {3}, {1, 2, 3}, {}};
  EXPECT_EQ(b->Infer({age, city}).status().message(), "missing input 'income' (a raw column)");
  EXPECT_EQ(b->Infer({age, city, income}).status().message(),
            "input 'income': has 3 rows, other inputs 2");
  Tensor extra{"height", DataType::kFp64, {2}, {1, 2}, {}};
  income.shape = {2};
  income.numbers = {1, 2};
  EXPECT_EQ(b->Infer({age, city, income, extra}).status().message(),
            "input 'height': not a raw column of this model");
  Tensor wide_age{"age", DataType::kFp64, {1, 2}, {50, 60}, {}};
  EXPECT_EQ(b->Infer({wide_age, city, income}).status().message(),
            "input 'age': expected shape [N] or [N,1], got [1,2]");
  // Text where the chain needs a number.
  Tensor text_age{"age", DataType::kBytes, {2}, {}, {"old", "young"}};
  auto refused = b->Infer({text_age, city, income});
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("age"), std::string::npos) << refused.status().message();
}

TEST(TransformBackendTest, NullAndALeftOutImputedColumnAreMissingAndImputed) {
  auto b = Make(kChain, {"age", "city=Paris", "city=Rome", "income"});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->Metadata()["parameters"]["optional_columns"], Json::parse(R"(["age","city"])"));
  // A JSON null decodes to NaN (v2_codec.h): missing, so impute gives age 40 -> 0.
  const double nan = std::nan("");
  Tensor age{"age", DataType::kFp64, {2}, {nan, 60}, {}};
  Tensor income{"income", DataType::kFp64, {2}, {5, 6}, {}};
  // city left out: every row missing, imputed as Paris.
  auto out = b->Infer({age, income});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0].numbers, (std::vector<double>{0, 1, 0, 5,  //
                                                    2, 1, 0, 6}));
  EXPECT_TRUE(b->CheckInputs({age, income}).empty());
  // income is not imputed: it cannot be left out.
  EXPECT_EQ(b->Infer({age}).status().message(), "missing input 'income' (a raw column)");
}

TEST(TransformBackendTest, AnUnseenCategoryAndANumberForTextAreWarnings) {
  auto b = Make(kChain, {"age", "city=Paris", "city=Rome", "income"});
  ASSERT_TRUE(b);
  Tensor age{"age", DataType::kFp64, {3}, {50, 60, 70}, {}};
  Tensor city{"city", DataType::kBytes, {3}, {}, {"Rome", "Oslo", ""}};
  Tensor income{"income", DataType::kFp64, {3}, {1, 2, 3}, {}};
  auto warnings = b->CheckInputs({age, city, income});
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].ToString(),
            "input 'city' row 1: category 'Oslo' was not seen in training (known: Paris, Rome); "
            "it encodes as all zeros");
  // Answered all the same (Oslo -> all zeros).
  auto out = b->Infer({age, city, income});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0].numbers[4 + 1], 0);
  EXPECT_EQ((*out)[0].numbers[4 + 2], 0);

  Tensor number_city{"city", DataType::kFp64, {3}, {7, std::nan(""), 7}, {}};
  warnings = b->CheckInputs({age, number_city, income});
  ASSERT_EQ(warnings.size(), 4u);
  EXPECT_EQ(warnings[0].ToString(),
            "input 'city' row 0: a number (7) for a text column; read as the text '7'");
  EXPECT_EQ(warnings[1].row, 0);  // and 7 is no category either
  EXPECT_EQ(warnings[2].row, 2);
  // The matrix form names the matrix and the column.
  warnings = b->CheckInputs({Tensor{"raw", DataType::kFp64, {1, 3}, {50, 1, 3}, {}}});
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].ToString(),
            "input 'raw' row 0: column 'city': a number (1) for a text column; read as the text '1'");
  // Numbers for number columns are no guess.
  EXPECT_TRUE(b->CheckInputs({age, Tensor{"city", DataType::kBytes, {3}, {}, {"Paris", "", "Rome"}},
                              income})
                  .empty());
}

TEST(TransformBackendTest, ABadChainIsRefusedAtLoad) {
  auto b = TransformBackend::Create(std::make_unique<EchoBackend>(1),
                                    Json::parse(R"([{"kind": "warp", "columns": {}}])"), {"x"});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message().rfind("meta: transforms[0]", 0), 0u) << b.status().message();
}

}  // namespace
}  // namespace tandem::serving
