#pragma once
// A model's declared inputs and outputs ("signature" in the model meta) and the check
// of a request against them, shared by the backends whose model files do not carry
// their own (TorchScript, python).
//   {"inputs": [{"name": "x", "datatype": "FP32", "shape": [-1, 4]}], "outputs": [...]}
// datatype and shape are optional; -1 in a shape matches any size.
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "serving/tensor.h"

namespace tandem::serving {

struct TensorSpec {
  std::string name;
  std::optional<DataType> datatype;             // nullopt = any
  std::optional<std::vector<int64_t>> shape;    // nullopt = any

  // {"name", "datatype", "shape"}, as KServe metadata lists tensors; an unknown
  // datatype prints as FP32 and an unknown shape as [-1].
  Json ToJson() const;
};

// Parses a list of specs; `path` names it in errors ("meta.signature.inputs").
// Missing or null gives an empty list.
Result<std::vector<TensorSpec>> SpecsFromJson(const Json* list, const std::string& path);

// The request inputs in the order of `specs`, matched by name, each checked for its
// datatype and shape. Errors are kInvalidArgument naming the input:
//   "missing input 'b' (the model takes a, b)", "input 'z': unknown input (the model
//   takes a, b)", "input 'a': datatype FP64 does not match the model's FP32",
//   "input 'a': expected shape [-1,4], got [2,3]".
Result<std::vector<const Tensor*>> MatchInputs(const std::vector<TensorSpec>& specs,
                                               const std::vector<Tensor>& inputs);

}  // namespace tandem::serving
