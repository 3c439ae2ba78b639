#pragma once
// The plug-in boundary of serving (Triton's model): a backend receives the decoded
// input tensors of one batch and computes the output tensors. The protocol codec,
// routing, and batching live outside backends, written once.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "serving/tensor.h"

namespace tandem::serving {

// A raw value a model can answer for only by guessing: a category training never saw
// (it encodes as all zeros), a number sent for a text column (read as its text).
// Rows count from 0 within the request.
struct InputWarning {
  std::string input;
  int64_t row = 0;
  std::string problem;  // "category 'Oslo' was not seen in training (known: Paris, Rome)"

  // "input 'city' row 2: category 'Oslo' was not seen in training (known: Paris, Rome)"
  std::string ToString() const;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // The values of `inputs` this model would take only by guessing (InputWarning),
  // found without running the model: the replica answers them as warnings or, with
  // strict input checking, refuses the request. Backends that take their inputs as
  // sent have none. Thread-safe.
  virtual std::vector<InputWarning> CheckInputs(const std::vector<Tensor>& inputs) const {
    (void)inputs;
    return {};
  }

  // Computes the outputs for `inputs` (already well-formed tensors: data size matches
  // shape). A request the model cannot take (wrong count, shape or datatype) is
  // kInvalidArgument with a message for the client; anything else is kInternal.
  // Thread-safe: called concurrently from the server's threads.
  virtual Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) = 0;

  // The model's part of the KServe model metadata:
  //   {"platform", "inputs": [{name, datatype, shape}], "outputs": [...], "parameters": {...}}
  // (-1 marks a variable dimension). The replica adds "name" and "versions".
  virtual Json Metadata() const = 0;
};

struct BackendOptions {
  int threads = 1;  // compute threads of one call (XGBoost, libtorch intra-op)
  int workers = 2;  // processes of the python backend's worker pool
};

// The model formats LoadBackend knows, in the order error messages list them.
const std::vector<std::string>& BackendFormats();

// Builds the backend named by meta["format"] (BackendFormats(); "xgboost" when absent)
// over the model file or folder. `meta` is the model artifact's meta written by the
// training operator. When meta["transforms"] holds fitted transforms, the backend is
// wrapped so that it takes raw columns (transform_backend.h). kInvalidArgument for an
// unknown format or a meta the backend cannot use; the loader's own error (naming the
// file) for an unreadable model. A classification model (meta.classes) that gives
// "probabilities" also gets "label" (INT64 index) and "class" (BYTES name) outputs
// (class_labels_backend.h).
Result<std::unique_ptr<Backend>> LoadBackend(const std::string& model_path, const Json& meta,
                                             const BackendOptions& options = {});

}  // namespace tandem::serving
