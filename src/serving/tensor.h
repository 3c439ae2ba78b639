#pragma once
// The tensor that crosses every serving boundary: decoded from a KServe v2 request,
// handed to a backend, encoded into the response.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::serving {

enum class DataType { kFp32, kFp64, kInt32, kInt64, kBool, kBytes };

// "FP32" <-> kFp32, ... Parse returns nullopt for any other spelling (case matters,
// as in the protocol).
std::optional<DataType> ParseDataType(std::string_view text);
const char* DataTypeName(DataType type);
bool IsNumeric(DataType type);  // everything but BYTES (BOOL counts: 0/1)

// Values are stored flat in row-major order, in one of two vectors by datatype:
//   numbers — FP32, FP64, INT32, INT64 and BOOL (false = 0, true = 1). A double holds
//             every FP32 and INT32 value exactly, and INT64 values up to 2^53 (the
//             decoder rejects larger ones rather than round them).
//   strings — BYTES.
// The other vector stays empty. REQUIRES (for a well-formed tensor): the size of the
// used vector equals ElementCount(shape).
struct Tensor {
  std::string name;
  DataType datatype = DataType::kFp32;
  std::vector<int64_t> shape;
  std::vector<double> numbers;
  std::vector<std::string> strings;

  size_t size() const { return datatype == DataType::kBytes ? strings.size() : numbers.size(); }
};

// Product of the dimensions (1 for a scalar shape []); nullopt when a dimension is
// negative or the product overflows.
std::optional<int64_t> ElementCount(const std::vector<int64_t>& shape);
// "[2,4]" — as error messages print shapes.
std::string ShapeString(const std::vector<int64_t>& shape);

}  // namespace tandem::serving
