#pragma once
// Writes an SDK folder for one model version (`tandem model export`): the model file,
// its meta and fitted transforms, the prediction library and, per format,
//   c-sdk:  tandem_predict.h, example.c and a README with the one `cc` line;
//   python: __init__.py / __main__.py (ctypes over the same library) and a README.
// The library and templates come from the tandem installation: <sdk_dir>/
// libtandem_predict.so and <sdk_dir>/sdk/ (the build puts both beside the binary).
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace tandem::sdk {

struct ExportRequest {
  std::string format;       // c-sdk | python
  std::string out_dir;      // created if absent; files in it are replaced
  std::string sdk_dir;      // where libtandem_predict.so and sdk/ are
  std::string model_bytes;  // the model file (XGBoost, linear or k-means JSON)
  // The version as the REST API shows it: model, version, format, metrics, and
  // "artifact": {"meta": {...}} with features, classes, objective, transforms.
  Json version;
};

struct ExportResult {
  std::vector<std::string> files;  // written, relative to out_dir
  std::string build_command;       // c-sdk: how to build example.c, run in out_dir
};

// The model formats an export covers, in the order messages list them: xgboost, linear,
// kmeans — the ones libtandem_predict computes in C++ with the service's own code.
// python and torchscript models need their interpreter or libtorch; they are served by
// `tandem service deploy` and not exported.
const std::vector<std::string>& ExportableFormats();

// Ok when `version` (the REST view: "format") can be exported; else kInvalidArgument
// naming its format and listing ExportableFormats(). The CLI asks before it downloads.
Status CheckExportable(const Json& version);

// kInvalidArgument for an unknown format or a model format CheckExportable refuses;
// kNotFound naming a missing library or template; kIoError naming a file not written.
Result<ExportResult> Export(const ExportRequest& request);

// The command that builds example.c in an exported c-sdk folder.
inline constexpr const char* kExampleBuildCommand =
    "cc example.c -o example -I. -L. -ltandem_predict -Wl,-rpath,'$ORIGIN'";

}  // namespace tandem::sdk
