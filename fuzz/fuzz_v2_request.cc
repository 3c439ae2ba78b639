// A KServe v2 infer request body as a client posts it: DecodeInferRequest. A decoded
// request's tensors must hold as many values as their shapes say.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "serving/v2_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto request = tandem::serving::DecodeInferRequest(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!request.ok()) return 0;
  if (request->inputs.empty()) abort();  // the contract: at least one input
  for (const auto& tensor : request->inputs) {
    auto count = tandem::serving::ElementCount(tensor.shape);
    if (!count || static_cast<size_t>(*count) != tensor.size()) abort();
    (void)tandem::serving::TensorToJson(tensor).dump();
  }
  return 0;
}
