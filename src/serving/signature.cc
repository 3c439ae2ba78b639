#include "serving/signature.h"

namespace tandem::serving {
namespace {

std::string Names(const std::vector<TensorSpec>& specs) {
  std::string out;
  for (const auto& s : specs) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}

bool ShapeMatches(const std::vector<int64_t>& want, const std::vector<int64_t>& got) {
  if (want.size() != got.size()) return false;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] >= 0 && want[i] != got[i]) return false;
  }
  return true;
}

}  // namespace

Json TensorSpec::ToJson() const {
  return {{"name", name},
          {"datatype", DataTypeName(datatype.value_or(DataType::kFp32))},
          {"shape", shape.value_or(std::vector<int64_t>{-1})}};
}

Result<std::vector<TensorSpec>> SpecsFromJson(const Json* list, const std::string& path) {
  std::vector<TensorSpec> specs;
  if (list == nullptr || list->is_null()) return specs;
  if (!list->is_array()) {
    return InvalidArgument(path + ": expected an array, got " + std::string(list->type_name()));
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string where = path + "[" + std::to_string(i) + "]";
    const Json& item = (*list)[i];
    if (!item.is_object()) return InvalidArgument(where + ": expected an object");
    TensorSpec spec;
    ASSIGN_OR_RETURN(spec.name, GetString(item, "name", where));
    ASSIGN_OR_RETURN(std::string dtype, GetStringOr(item, "datatype", "", where));
    if (!dtype.empty()) {
      spec.datatype = ParseDataType(dtype);
      if (!spec.datatype) {
        return InvalidArgument(where + ".datatype: unknown datatype '" + dtype + "'");
      }
    }
    if (auto shape = item.find("shape"); shape != item.end() && !shape->is_null()) {
      if (!shape->is_array()) return InvalidArgument(where + ".shape: expected an array");
      std::vector<int64_t> dims;
      for (const Json& d : *shape) {
        if (!d.is_number_integer() || d.get<int64_t>() < -1) {
          return InvalidArgument(where + ".shape: expected integers >= -1, got " + d.dump());
        }
        dims.push_back(d.get<int64_t>());
      }
      spec.shape = std::move(dims);
    }
    for (const auto& earlier : specs) {
      if (earlier.name == spec.name) {
        return InvalidArgument(where + ".name: duplicate name '" + spec.name + "'");
      }
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

Result<std::vector<const Tensor*>> MatchInputs(const std::vector<TensorSpec>& specs,
                                               const std::vector<Tensor>& inputs) {
  for (const Tensor& t : inputs) {
    bool known = false;
    for (const auto& s : specs) known = known || s.name == t.name;
    if (!known) {
      return InvalidArgument("input '" + t.name + "': unknown input (the model takes " +
                             Names(specs) + ")");
    }
  }
  std::vector<const Tensor*> ordered;
  for (const auto& spec : specs) {
    const Tensor* found = nullptr;
    for (const Tensor& t : inputs) {
      if (t.name == spec.name) found = &t;
    }
    if (!found) {
      return InvalidArgument("missing input '" + spec.name + "' (the model takes " +
                             Names(specs) + ")");
    }
    const std::string where = "input '" + spec.name + "'";
    if (spec.datatype && found->datatype != *spec.datatype) {
      return InvalidArgument(where + ": datatype " + DataTypeName(found->datatype) +
                             " does not match the model's " + DataTypeName(*spec.datatype));
    }
    if (spec.shape && !ShapeMatches(*spec.shape, found->shape)) {
      return InvalidArgument(where + ": expected shape " + ShapeString(*spec.shape) + ", got " +
                             ShapeString(found->shape));
    }
    ordered.push_back(found);
  }
  return ordered;
}

}  // namespace tandem::serving
