#include "serving/backend.h"

#include "serving/xgboost_backend.h"

namespace tandem::serving {

Result<std::unique_ptr<Backend>> LoadBackend(const std::string& model_path, const Json& meta,
                                             int threads) {
  if (!meta.is_object()) return InvalidArgument("model meta: expected an object");
  ASSIGN_OR_RETURN(std::string format, GetStringOr(meta, "format", "xgboost", "meta"));
  if (format == "xgboost") {
    ASSIGN_OR_RETURN(auto backend, XgboostBackend::Load(model_path, meta, threads));
    return std::unique_ptr<Backend>(std::move(backend));
  }
  return InvalidArgument("meta.format: no serving backend for model format '" + format +
                         "' (available: xgboost)");
}

}  // namespace tandem::serving
