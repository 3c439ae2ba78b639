#include "serving/backend.h"

#include "serving/class_labels_backend.h"
#include "serving/json_model_backend.h"
#include "serving/python_backend.h"
#include "serving/torchscript_backend.h"
#include "serving/transform_backend.h"
#include "serving/xgboost_backend.h"

namespace tandem::serving {
namespace {

using Loader = Result<std::unique_ptr<Backend>> (*)(const std::string& model_path,
                                                    const Json& meta,
                                                    const BackendOptions& options);

template <typename T>
Result<std::unique_ptr<Backend>> Upcast(Result<std::unique_ptr<T>> loaded) {
  if (!loaded.ok()) return loaded.status();
  return std::unique_ptr<Backend>(std::move(loaded).value());
}

struct Format {
  const char* name;
  Loader load;
};

// One row per model format: adding a backend is one file and one row here.
const Format kFormats[] = {
    {"xgboost",
     [](const std::string& path, const Json& meta, const BackendOptions& o) {
       return Upcast(XgboostBackend::Load(path, meta, o.threads));
     }},
    {"torchscript",
     [](const std::string& path, const Json& meta, const BackendOptions& o) {
       return LoadTorchScriptBackend(path, meta, o.threads);
     }},
    {"python",
     [](const std::string& path, const Json& meta, const BackendOptions& o) {
       return Upcast(PythonBackend::Load(path, meta, o.workers));
     }},
    {"linear",
     [](const std::string& path, const Json& meta, const BackendOptions&) {
       return Upcast(JsonModelBackend::Load("linear", path, meta));
     }},
    {"kmeans",
     [](const std::string& path, const Json& meta, const BackendOptions&) {
       return Upcast(JsonModelBackend::Load("kmeans", path, meta));
     }},
};

}  // namespace

std::string InputWarning::ToString() const {
  return "input '" + input + "' row " + std::to_string(row) + ": " + problem;
}

const std::vector<std::string>& BackendFormats() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Format& f : kFormats) out.push_back(f.name);
    return out;
  }();
  return names;
}

Result<std::unique_ptr<Backend>> LoadBackend(const std::string& model_path, const Json& meta,
                                             const BackendOptions& options) {
  if (!meta.is_object()) return InvalidArgument("model meta: expected an object");
  ASSIGN_OR_RETURN(std::string format, GetStringOr(meta, "format", "xgboost", "meta"));
  for (const Format& f : kFormats) {
    if (format != f.name) continue;
    ASSIGN_OR_RETURN(std::unique_ptr<Backend> backend, f.load(model_path, meta, options));
    backend = ClassLabelsBackend::Wrap(std::move(backend), meta);
    auto transforms = meta.find("transforms");
    if (transforms == meta.end() || transforms->is_null() ||
        (transforms->is_array() && transforms->empty())) {
      return backend;
    }
    std::vector<std::string> features;
    if (auto f = meta.find("features"); f != meta.end() && f->is_array()) {
      for (const Json& name : *f) {
        if (!name.is_string()) return InvalidArgument("meta.features: expected strings");
        features.push_back(name.get<std::string>());
      }
    }
    return Upcast(TransformBackend::Create(std::move(backend), *transforms, std::move(features)));
  }
  std::string names;
  for (const Format& f : kFormats) names += std::string(names.empty() ? "" : ", ") + f.name;
  return InvalidArgument("meta.format: no serving backend for model format '" + format +
                         "' (available: " + names + ")");
}

}  // namespace tandem::serving
