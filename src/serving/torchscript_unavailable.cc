// Compiled instead of torchscript_backend.cc when CMake found no libtorch.
#include "serving/torchscript_backend.h"

namespace tandem::serving {

Result<std::unique_ptr<Backend>> LoadTorchScriptBackend(const std::string&, const Json&, int) {
  return FailedPrecondition(
      "meta.format: this build of Tandem has no libtorch, so it cannot serve 'torchscript' "
      "models (install libtorch-dev and rebuild)");
}

}  // namespace tandem::serving
