#include "serving/v2_codec.h"

#include <cmath>
#include <limits>
#include <set>

namespace tandem::serving {
namespace {

// Nesting deeper than this is refused before recursing, so a hostile body cannot
// exhaust the stack (the JSON parser itself is not recursive).
constexpr int kMaxDataDepth = 32;
// Doubles hold integers exactly up to 2^53; larger INT64 values would be rounded.
constexpr double kMaxExactInt = 9007199254740992.0;
// The most tensor elements one request may carry, all inputs together (a documented
// limit, docs/architecture.md "Serving"). Each element is a double (8 bytes) once
// decoded and ~16 bytes more as a JSON value before that, so 16M elements is ~400 MB at
// worst; a real batch (1,000 rows of 1,000 features) is 1M. Checked on the shape before
// any data is walked, so a small body claiming a huge shape costs nothing.
constexpr int64_t kMaxRequestElements = 16 * 1024 * 1024;

std::string Indexed(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// Stops once `out` holds more than `max_leaves` values: the count is wrong then and the
// caller says so, without a pointer for every value of an oversized body.
Status Flatten(const Json& value, const std::string& path, int depth, size_t max_leaves,
               std::vector<const Json*>* out) {
  if (out->size() > max_leaves) return Status::Ok();
  if (!value.is_array()) {
    out->push_back(&value);
    return Status::Ok();
  }
  if (depth >= kMaxDataDepth) {
    return InvalidArgument(path + ": nested deeper than " + std::to_string(kMaxDataDepth) +
                           " levels");
  }
  for (const Json& v : value) {
    RETURN_IF_ERROR(Flatten(v, path, depth + 1, max_leaves, out));
    if (out->size() > max_leaves) break;
  }
  return Status::Ok();
}

// What a wrong value looks like in a message: numbers as written, others by type.
std::string Describe(const Json& v) {
  if (v.is_number()) return v.dump();
  return v.type_name();
}

Status ConvertNumber(const Json& v, DataType type, const std::string& where, double* out) {
  const char* tname = DataTypeName(type);
  // null is a missing value: NaN, which the model's fitted impute (or XGBoost itself)
  // treats as missing. Integers and booleans have no such value.
  if (v.is_null()) {
    if (type == DataType::kFp32 || type == DataType::kFp64) {
      *out = std::numeric_limits<double>::quiet_NaN();
      return Status::Ok();
    }
    return InvalidArgument(where + ": null (a missing value) needs FP32, FP64 or BYTES, not " +
                           tname);
  }
  switch (type) {
    case DataType::kBool:
      if (!v.is_boolean()) {
        return InvalidArgument(where + ": expected a boolean for BOOL, got " + Describe(v));
      }
      *out = v.get<bool>() ? 1 : 0;
      return Status::Ok();
    case DataType::kFp32:
    case DataType::kFp64: {
      if (!v.is_number()) {
        return InvalidArgument(where + ": expected a number for " + tname + ", got " + Describe(v));
      }
      double d = v.get<double>();
      if (type == DataType::kFp32 && std::isfinite(d) &&
          std::fabs(d) > std::numeric_limits<float>::max()) {
        return InvalidArgument(where + ": " + v.dump() + " is out of range for FP32");
      }
      *out = d;
      return Status::Ok();
    }
    case DataType::kInt32:
    case DataType::kInt64: {
      if (!v.is_number()) {
        return InvalidArgument(where + ": expected an integer for " + tname + ", got " +
                               Describe(v));
      }
      double d;
      if (v.is_number_unsigned()) {
        d = static_cast<double>(v.get<uint64_t>());
      } else if (v.is_number_integer()) {
        d = static_cast<double>(v.get<int64_t>());
      } else {
        d = v.get<double>();
        // 2.0 is an integer written as a float; 1.5 is not.
        if (!std::isfinite(d) || d != std::trunc(d)) {
          return InvalidArgument(where + ": expected an integer for " + tname + ", got " +
                                 v.dump());
        }
      }
      double lo = type == DataType::kInt32 ? std::numeric_limits<int32_t>::min() : -kMaxExactInt;
      double hi = type == DataType::kInt32 ? std::numeric_limits<int32_t>::max() : kMaxExactInt;
      if (d < lo || d > hi) {
        return InvalidArgument(where + ": " + v.dump() + " is out of range for " + tname +
                               (type == DataType::kInt64 ? " (this server keeps |value| <= 2^53)"
                                                         : ""));
      }
      *out = d;
      return Status::Ok();
    }
    case DataType::kBytes:
      break;
  }
  return Internal(where + ": not a numeric datatype");
}

Result<std::string> RequiredString(const Json& obj, const std::string& key,
                                   const std::string& path) {
  std::string where = path + "." + key;
  auto it = obj.find(key);
  if (it == obj.end()) return InvalidArgument(where + ": missing");
  if (!it->is_string()) {
    return InvalidArgument(where + ": expected a string, got " + std::string(it->type_name()));
  }
  return it->get<std::string>();
}

Result<std::vector<int64_t>> ShapeFromJson(const Json& obj, const std::string& path) {
  std::string where = path + ".shape";
  auto it = obj.find("shape");
  if (it == obj.end()) return InvalidArgument(where + ": missing");
  if (!it->is_array()) {
    return InvalidArgument(where + ": expected an array of non-negative integers, got " +
                           std::string(it->type_name()));
  }
  std::vector<int64_t> shape;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& d = (*it)[i];
    bool ok = d.is_number_unsigned() ||
              (d.is_number_integer() && d.get<int64_t>() >= 0);
    if (!ok || d.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return InvalidArgument(Indexed(where, i) + ": expected a non-negative integer, got " +
                             Describe(d));
    }
    shape.push_back(d.get<int64_t>());
  }
  return shape;
}

Json NumberToJson(DataType type, double v) {
  switch (type) {
    case DataType::kBool: return v != 0;
    case DataType::kInt32:
    case DataType::kInt64: return static_cast<int64_t>(v);
    default: return v;
  }
}

// TensorFromJson, refusing a shape of more than `max_elements` elements (what is left of
// the request's kMaxRequestElements).
Result<Tensor> TensorWithin(const Json& json, const std::string& path, int64_t max_elements) {
  if (!json.is_object()) {
    return InvalidArgument(path + ": expected an object, got " + std::string(json.type_name()));
  }
  Tensor t;
  ASSIGN_OR_RETURN(t.name, RequiredString(json, "name", path));
  ASSIGN_OR_RETURN(std::string dtype, RequiredString(json, "datatype", path));
  auto parsed = ParseDataType(dtype);
  if (!parsed) {
    return InvalidArgument(path + ".datatype: unknown datatype '" + dtype +
                           "' (expected FP32, FP64, INT32, INT64, BOOL or BYTES)");
  }
  t.datatype = *parsed;
  ASSIGN_OR_RETURN(t.shape, ShapeFromJson(json, path));
  auto count = ElementCount(t.shape);
  if (!count) return InvalidArgument(path + ".shape: the element count overflows");
  if (*count > max_elements) {
    return InvalidArgument(path + ".shape: " + ShapeString(t.shape) + " is " +
                           std::to_string(*count) + " elements; a request may carry at most " +
                           std::to_string(kMaxRequestElements) + " (all inputs together)");
  }

  std::string where = path + ".data";
  auto data = json.find("data");
  if (data == json.end()) return InvalidArgument(where + ": missing");
  std::vector<const Json*> leaves;
  RETURN_IF_ERROR(Flatten(*data, where, 0, static_cast<size_t>(*count), &leaves));
  // A scalar "data": 5 is one element, as for shape [] or [1].
  if (static_cast<int64_t>(leaves.size()) != *count) {
    std::string length = leaves.size() > static_cast<size_t>(*count)
                             ? "more than " + std::to_string(*count)
                             : std::to_string(leaves.size());
    return InvalidArgument(where + ": length " + length +
                           " does not match shape " + ShapeString(t.shape) + " (" +
                           std::to_string(*count) + " elements)");
  }
  if (t.datatype == DataType::kBytes) {
    t.strings.reserve(leaves.size());
    for (size_t i = 0; i < leaves.size(); ++i) {
      if (leaves[i]->is_null()) {  // missing, as "" is for a raw text column
        t.strings.emplace_back();
        continue;
      }
      if (!leaves[i]->is_string()) {
        return InvalidArgument(Indexed(where, i) + ": expected a string for BYTES, got " +
                               Describe(*leaves[i]));
      }
      t.strings.push_back(leaves[i]->get<std::string>());
    }
  } else {
    t.numbers.resize(leaves.size());
    for (size_t i = 0; i < leaves.size(); ++i) {
      RETURN_IF_ERROR(ConvertNumber(*leaves[i], t.datatype, Indexed(where, i), &t.numbers[i]));
    }
  }
  return t;
}

}  // namespace

Result<Tensor> TensorFromJson(const Json& json, const std::string& path) {
  return TensorWithin(json, path, kMaxRequestElements);
}

Json TensorToJson(const Tensor& t) {
  Json data = Json::array();
  if (t.datatype == DataType::kBytes) {
    for (const auto& s : t.strings) data.push_back(s);
  } else {
    for (double v : t.numbers) data.push_back(NumberToJson(t.datatype, v));
  }
  return {{"name", t.name},
          {"datatype", DataTypeName(t.datatype)},
          {"shape", t.shape},
          {"data", std::move(data)}};
}

Result<InferRequest> DecodeInferRequest(std::string_view body) {
  ASSIGN_OR_RETURN(Json j, ParseJson(body, "request body"));
  if (!j.is_object()) {
    return InvalidArgument("request body: expected a JSON object, got " +
                           std::string(j.type_name()));
  }
  InferRequest req;
  if (auto it = j.find("id"); it != j.end()) {
    if (!it->is_string()) {
      return InvalidArgument("id: expected a string, got " + std::string(it->type_name()));
    }
    req.id = it->get<std::string>();
  }
  if (auto it = j.find("parameters"); it != j.end()) {
    if (!it->is_object()) {
      return InvalidArgument("parameters: expected an object, got " +
                             std::string(it->type_name()));
    }
    req.parameters = *it;
  }
  auto inputs = j.find("inputs");
  if (inputs == j.end()) return InvalidArgument("inputs: missing");
  if (!inputs->is_array()) {
    return InvalidArgument("inputs: expected an array, got " + std::string(inputs->type_name()));
  }
  if (inputs->empty()) return InvalidArgument("inputs: must hold at least one tensor");
  std::set<std::string> names;
  int64_t elements_left = kMaxRequestElements;
  for (size_t i = 0; i < inputs->size(); ++i) {
    std::string path = Indexed("inputs", i);
    ASSIGN_OR_RETURN(Tensor t, TensorWithin((*inputs)[i], path, elements_left));
    elements_left -= static_cast<int64_t>(t.size());
    if (!names.insert(t.name).second) {
      return InvalidArgument(path + ".name: duplicate input name '" + t.name + "'");
    }
    req.inputs.push_back(std::move(t));
  }
  if (auto outputs = j.find("outputs"); outputs != j.end()) {
    if (!outputs->is_array()) {
      return InvalidArgument("outputs: expected an array, got " +
                             std::string(outputs->type_name()));
    }
    for (size_t i = 0; i < outputs->size(); ++i) {
      std::string path = Indexed("outputs", i);
      const Json& o = (*outputs)[i];
      if (!o.is_object()) {
        return InvalidArgument(path + ": expected an object, got " + std::string(o.type_name()));
      }
      ASSIGN_OR_RETURN(std::string name, RequiredString(o, "name", path));
      req.outputs.push_back(std::move(name));
    }
  }
  return req;
}

std::string EncodeInferResponse(const std::string& model_name, const std::string& model_version,
                                const std::string& id, const std::vector<Tensor>& outputs,
                                const std::vector<std::string>& warnings) {
  Json out = {{"model_name", model_name}, {"model_version", model_version}};
  if (!id.empty()) out["id"] = id;
  Json list = Json::array();
  for (const auto& t : outputs) list.push_back(TensorToJson(t));
  out["outputs"] = std::move(list);
  if (!warnings.empty()) out["warnings"] = warnings;
  return DumpJson(out);
}

}  // namespace tandem::serving
