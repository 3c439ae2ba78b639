#pragma once
// The Open Inference Protocol (KServe v2) REST body format: JSON <-> tensors.
// https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/
// Pure functions, no I/O, thread-safe. Binary tensor data extension: not supported.
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "serving/tensor.h"

namespace tandem::serving {

struct InferRequest {
  std::string id;                        // "" when the request has none
  Json parameters = Json::object();      // passed through, unused by the built-in backends
  std::vector<Tensor> inputs;            // at least one; names unique
  std::vector<std::string> outputs;      // requested output names; empty = all
};

// Decodes a request body {id?, parameters?, inputs: [tensor], outputs?: [{name}]}.
// A tensor is {name, datatype, shape, data, parameters?}; `data` may be flat or nested
// (nested arrays are flattened row-major; only the total count is checked against the
// shape). null in the data is a missing value: NaN for FP32 and FP64, "" for BYTES
// (refused for INT32, INT64 and BOOL). Every malformed body is kInvalidArgument with a
// message naming the place:
//   "request body is not valid JSON (byte 7)", "inputs: missing",
//   "inputs[0].datatype: unknown datatype 'FP33' (expected FP32, FP64, INT32, INT64, BOOL or BYTES)",
//   "inputs[0].data: length 6 does not match shape [2,4] (8 elements)",
//   "inputs[0].data[3]: expected a number for FP32, got string".
Result<InferRequest> DecodeInferRequest(std::string_view body);

// One tensor object as found in "inputs" or "outputs"; `path` prefixes messages
// ("inputs[0]"). Used by DecodeInferRequest and by clients reading responses.
Result<Tensor> TensorFromJson(const Json& json, const std::string& path);
Json TensorToJson(const Tensor& tensor);

// {"model_name", "model_version", "id" (omitted when empty), "outputs": [tensor],
//  "warnings": [text] (omitted when empty: the raw values answered by a guess)}.
std::string EncodeInferResponse(const std::string& model_name, const std::string& model_version,
                                const std::string& id, const std::vector<Tensor>& outputs,
                                const std::vector<std::string>& warnings = {});


}  // namespace tandem::serving
