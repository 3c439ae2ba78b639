#pragma once
// Serves a TorchScript module (torch.jit.trace or torch.jit.script, saved with
// .save()) in process with libtorch, on the CPU. The meta beside it:
//   {"format": "torchscript",
//    "signature": {"inputs":  [{"name", "datatype", "shape"}],    // forward's arguments, in order
//                  "outputs": [{"name", "datatype"?, "shape"?}]}} // what forward returns, in order
// Without signature.inputs the inputs are forward's argument names, any FP32 shape.
// With it, a request must name every input, with that datatype (FP32, FP64, INT32,
// INT64 or BOOL) and a shape matching (-1 = any size). forward may return a tensor, a
// tuple or list of tensors (named by signature.outputs, else "output_0", "output_1", ...)
// or a dict of str -> tensor (named by its keys). Outputs keep their dtype: FP32, FP64,
// INT64, INT32 or BOOL (other dtypes are widened to FP32 or INT32).
//
// libtorch's headers live only in torchscript_backend.cc (one file that includes them
// costs ~20 s and 1.4 GB to compile); a build without libtorch compiles
// torchscript_unavailable.cc instead, whose loader says so.
#include <memory>
#include <string>

#include "serving/backend.h"

namespace tandem::serving {

// `threads`: libtorch intra-op threads (process-wide). When signature.inputs gives
// every shape, one all-zeros row runs through the model at load, so a model that
// cannot take its own signature fails here, and the outputs are known for metadata.
Result<std::unique_ptr<Backend>> LoadTorchScriptBackend(const std::string& model_path,
                                                        const Json& meta, int threads);

}  // namespace tandem::serving
