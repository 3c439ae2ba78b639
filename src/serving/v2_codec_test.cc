#include "serving/v2_codec.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tandem::serving {
namespace {

// The message of the error DecodeInferRequest gives for `body`.
std::string ErrorOf(const std::string& body) {
  auto r = DecodeInferRequest(body);
  if (r.ok()) return "(decoded fine)";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

std::string One(const std::string& tensor) { return R"({"inputs":[)" + tensor + "]}"; }

TEST(V2CodecTest, NullIsAMissingValue) {
  auto r = DecodeInferRequest(R"({"inputs": [
      {"name": "age", "datatype": "FP64", "shape": [3], "data": [41, null, 7]},
      {"name": "x", "datatype": "FP32", "shape": [1, 2], "data": [[null, 2]]},
      {"name": "city", "datatype": "BYTES", "shape": [2], "data": [null, "Rome"]}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->inputs[0].numbers[0], 41);
  EXPECT_TRUE(std::isnan(r->inputs[0].numbers[1]));
  EXPECT_TRUE(std::isnan(r->inputs[1].numbers[0]));
  EXPECT_EQ(r->inputs[2].strings, (std::vector<std::string>{"", "Rome"}));
}

TEST(V2CodecTest, WarningsGoBesideTheOutputs) {
  Tensor y{"y", DataType::kFp32, {1}, {1}, {}};
  Json plain = Json::parse(EncodeInferResponse("m", "1", "", {y}));
  EXPECT_FALSE(plain.contains("warnings"));
  Json warned = Json::parse(EncodeInferResponse("m", "1", "", {y}, {"input 'city' row 0: ..."}));
  EXPECT_EQ(warned["warnings"], Json::parse(R"(["input 'city' row 0: ..."])"));
}

TEST(V2CodecTest, DecodesAFullRequest) {
  auto r = DecodeInferRequest(R"({
    "id": "42", "parameters": {"trace": true},
    "inputs": [
      {"name": "input", "datatype": "FP32", "shape": [2, 3], "data": [1, 2.5, 3, 4, 5, 6]},
      {"name": "ids", "datatype": "INT64", "shape": [2], "data": [7, -8]},
      {"name": "mask", "datatype": "BOOL", "shape": [2], "data": [true, false]},
      {"name": "text", "datatype": "BYTES", "shape": [1], "data": ["hi"]}],
    "outputs": [{"name": "label"}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, "42");
  EXPECT_EQ(r->parameters["trace"], true);
  ASSERT_EQ(r->inputs.size(), 4u);
  EXPECT_EQ(r->inputs[0].name, "input");
  EXPECT_EQ(r->inputs[0].datatype, DataType::kFp32);
  EXPECT_EQ(r->inputs[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(r->inputs[0].numbers, (std::vector<double>{1, 2.5, 3, 4, 5, 6}));
  EXPECT_EQ(r->inputs[1].numbers, (std::vector<double>{7, -8}));
  EXPECT_EQ(r->inputs[2].numbers, (std::vector<double>{1, 0}));
  EXPECT_EQ(r->inputs[3].strings, (std::vector<std::string>{"hi"}));
  EXPECT_TRUE(r->inputs[3].numbers.empty());
  EXPECT_EQ(r->outputs, (std::vector<std::string>{"label"}));
}

TEST(V2CodecTest, NestedDataFlattensRowMajorLikeFlat) {
  auto flat = DecodeInferRequest(
      One(R"({"name":"x","datatype":"FP64","shape":[2,2,2],"data":[1,2,3,4,5,6,7,8]})"));
  auto nested = DecodeInferRequest(
      One(R"({"name":"x","datatype":"FP64","shape":[2,2,2],"data":[[[1,2],[3,4]],[[5,6],[7,8]]]})"));
  ASSERT_TRUE(flat.ok() && nested.ok());
  EXPECT_EQ(flat->inputs[0].numbers, nested->inputs[0].numbers);
  EXPECT_EQ(nested->inputs[0].numbers, (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(V2CodecTest, EmptyBatchAndScalarShapes) {
  auto empty = DecodeInferRequest(One(R"({"name":"x","datatype":"FP32","shape":[0,30],"data":[]})"));
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->inputs[0].numbers.empty());
  auto scalar = DecodeInferRequest(One(R"({"name":"x","datatype":"INT32","shape":[],"data":5})"));
  ASSERT_TRUE(scalar.ok()) << scalar.status().ToString();
  EXPECT_EQ(scalar->inputs[0].numbers, (std::vector<double>{5}));
}

TEST(V2CodecTest, MalformedRequestsSayWhatAndWhere) {
  EXPECT_EQ(ErrorOf("{\"inputs\": ["), "request body is not valid JSON (byte 13)");
  EXPECT_EQ(ErrorOf("[1]"), "request body: expected a JSON object, got array");
  EXPECT_EQ(ErrorOf("{}"), "inputs: missing");
  EXPECT_EQ(ErrorOf(R"({"inputs": {"name": "x"}})"), "inputs: expected an array, got object");
  EXPECT_EQ(ErrorOf(R"({"inputs": []})"), "inputs: must hold at least one tensor");
  EXPECT_EQ(ErrorOf(R"({"inputs": [3]})"), "inputs[0]: expected an object, got number");
  EXPECT_EQ(ErrorOf(R"({"id": 7, "inputs": []})"), "id: expected a string, got number");
  EXPECT_EQ(ErrorOf(One(R"({"datatype":"FP32","shape":[1],"data":[1]})")),
            "inputs[0].name: missing");
  EXPECT_EQ(ErrorOf(One(R"({"name":5,"datatype":"FP32","shape":[1],"data":[1]})")),
            "inputs[0].name: expected a string, got number");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","shape":[1],"data":[1]})")),
            "inputs[0].datatype: missing");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP33","shape":[1],"data":[1]})")),
            "inputs[0].datatype: unknown datatype 'FP33' (expected FP32, FP64, INT32, INT64, "
            "BOOL or BYTES)");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","data":[1]})")),
            "inputs[0].shape: missing");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":"2x4","data":[1]})")),
            "inputs[0].shape: expected an array of non-negative integers, got string");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":[2,-4],"data":[1]})")),
            "inputs[0].shape[1]: expected a non-negative integer, got -4");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":[2.5],"data":[1]})")),
            "inputs[0].shape[0]: expected a non-negative integer, got 2.5");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":[2,4]})")),
            "inputs[0].data: missing");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":[2,4],"data":[1,2,3,4,5,6]})")),
            "inputs[0].data: length 6 does not match shape [2,4] (8 elements)");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":[2,2],"data":[[1,2],[3,"4"]]})")),
            "inputs[0].data[3]: expected a number for FP32, got string");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"INT64","shape":[3],"data":[1,1.5,2]})")),
            "inputs[0].data[1]: expected an integer for INT64, got 1.5");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"BOOL","shape":[2],"data":[true,1]})")),
            "inputs[0].data[1]: expected a boolean for BOOL, got 1");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"BYTES","shape":[1],"data":[1]})")),
            "inputs[0].data[0]: expected a string for BYTES, got 1");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"INT64","shape":[1],"data":[null]})")),
            "inputs[0].data[0]: null (a missing value) needs FP32, FP64 or BYTES, not INT64");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"INT32","shape":[1],"data":[3000000000]})")),
            "inputs[0].data[0]: 3000000000 is out of range for INT32");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":[1],"data":[1e300]})")),
            "inputs[0].data[0]: 1e+300 is out of range for FP32");
  EXPECT_EQ(ErrorOf(R"({"inputs":[{"name":"a","datatype":"FP32","shape":[1],"data":[1]},
                                   {"name":"a","datatype":"FP32","shape":[1],"data":[1]}]})"),
            "inputs[1].name: duplicate input name 'a'");
  EXPECT_EQ(ErrorOf(R"({"inputs":[{"name":"a","datatype":"FP32","shape":[1],"data":[1]}],
                        "outputs":[{"nom":"label"}]})"),
            "outputs[0].name: missing");
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":[9223372036854775807,4],"data":[]})")),
            "inputs[0].shape: the element count overflows");
}

TEST(V2CodecTest, IntegralFloatsAreIntegersAndHugeInt64IsRefused) {
  auto ok = DecodeInferRequest(One(R"({"name":"x","datatype":"INT64","shape":[1],"data":[2.0]})"));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->inputs[0].numbers[0], 2);
  EXPECT_NE(ErrorOf(One(R"({"name":"x","datatype":"INT64","shape":[1],"data":[18014398509481985]})"))
                .find("out of range for INT64"),
            std::string::npos);
}

TEST(V2CodecTest, DeepNestingIsRefusedNotRecursedInto) {
  // Deeper than the codec reads tensor data, within what the JSON parser takes.
  std::string data = std::string(50, '[') + "1" + std::string(50, ']');
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":[1],"data":)" + data + "}")),
            "inputs[0].data: nested deeper than 32 levels");
  // Deeper than any document the server parses: refused before a tree is built.
  std::string deeper = std::string(100, '[') + "1" + std::string(100, ']');
  EXPECT_NE(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":[1],"data":)" + deeper + "}"))
                .find("nested deeper than 64 levels"),
            std::string::npos);
}

TEST(V2CodecTest, MoreThan16MElementsPerRequestIsRefusedOnTheShape) {
  // A small body claiming a huge shape is refused before any data is walked.
  EXPECT_EQ(ErrorOf(One(R"({"name":"pixels","datatype":"FP32","shape":[4097,4096],"data":[1]})")),
            "inputs[0].shape: [4097,4096] is 16781312 elements; a request may carry at most "
            "16777216 (all inputs together)");
  // The limit is for all inputs together: the second of two 9M-element inputs passes it.
  std::string two = R"({"inputs":[{"name":"a","datatype":"FP32","shape":[1],"data":[1]},)"
                    R"({"name":"b","datatype":"FP32","shape":[16777216],"data":[1]}]})";
  EXPECT_NE(ErrorOf(two).find("inputs[1].shape: [16777216] is 16777216 elements; a request "
                              "may carry at most 16777216"),
            std::string::npos);
  // Exactly at the limit the shape passes (and the short data is what is wrong).
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":[16777216],"data":[1]})")),
            "inputs[0].data: length 1 does not match shape [16777216] (16777216 elements)");
}

TEST(V2CodecTest, DataLongerThanTheShapeStopsBeingCountedPastIt) {
  EXPECT_EQ(ErrorOf(One(R"({"name":"x","datatype":"FP32","shape":[2],"data":[1,2,3,4,5]})")),
            "inputs[0].data: length more than 2 does not match shape [2] (2 elements)");
}

TEST(V2CodecTest, EncodeRoundTrips) {
  std::vector<Tensor> outs = {
      {"probabilities", DataType::kFp32, {2, 2}, {0.25, 0.75, 0.5, 0.5}, {}},
      {"label", DataType::kInt64, {2}, {1, 0}, {}},
      {"flag", DataType::kBool, {1}, {1}, {}},
      {"text", DataType::kBytes, {2}, {}, {"a", "b\xff"}},
  };
  std::string body = EncodeInferResponse("cancer", "3", "req-1", outs);
  auto j = ParseJson(body);
  ASSERT_TRUE(j.ok()) << body;
  EXPECT_EQ((*j)["model_name"], "cancer");
  EXPECT_EQ((*j)["model_version"], "3");
  EXPECT_EQ((*j)["id"], "req-1");
  EXPECT_EQ((*j)["outputs"][1]["data"], Json::parse("[1, 0]"));  // integers, not 1.0
  EXPECT_EQ((*j)["outputs"][2]["data"], Json::parse("[true]"));
  ASSERT_EQ((*j)["outputs"].size(), 4u);
  for (size_t i = 0; i < outs.size(); ++i) {
    auto t = TensorFromJson((*j)["outputs"][i], "outputs[" + std::to_string(i) + "]");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->name, outs[i].name);
    EXPECT_EQ(t->datatype, outs[i].datatype);
    EXPECT_EQ(t->shape, outs[i].shape);
    EXPECT_EQ(t->numbers, outs[i].numbers);
  }
  // Invalid UTF-8 from a client is replaced, never thrown.
  EXPECT_EQ((*j)["outputs"][3]["data"][1], "b\xEF\xBF\xBD");
  EXPECT_EQ(ParseJson(EncodeInferResponse("m", "1", "", {}))->contains("id"), false);
}

}  // namespace
}  // namespace tandem::serving
