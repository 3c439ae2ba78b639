#include "serving/tensor.h"

#include <limits>

namespace tandem::serving {
namespace {

struct Name {
  DataType type;
  const char* text;
};
constexpr Name kNames[] = {
    {DataType::kFp32, "FP32"},   {DataType::kFp64, "FP64"}, {DataType::kInt32, "INT32"},
    {DataType::kInt64, "INT64"}, {DataType::kBool, "BOOL"}, {DataType::kBytes, "BYTES"},
};

}  // namespace

std::optional<DataType> ParseDataType(std::string_view text) {
  for (const auto& n : kNames) {
    if (text == n.text) return n.type;
  }
  return std::nullopt;
}

const char* DataTypeName(DataType type) {
  for (const auto& n : kNames) {
    if (n.type == type) return n.text;
  }
  return "?";
}

bool IsNumeric(DataType type) { return type != DataType::kBytes; }

std::optional<int64_t> ElementCount(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) return std::nullopt;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) return std::nullopt;
    n *= d;
  }
  return n;
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

}  // namespace tandem::serving
