#include "sdk/exporter.h"

#include <algorithm>
#include <filesystem>

#include "core/fs.h"
#include "core/sha256.h"

namespace tandem::sdk {
namespace {

namespace fs = std::filesystem;

Status CopyInto(const fs::path& from, const fs::path& dir, const std::string& name,
                std::vector<std::string>* files) {
  std::error_code ec;
  if (!fs::exists(from, ec)) {
    return NotFound("'" + from.string() + "' is missing from the tandem installation (build the "
                    "tandem_predict target)");
  }
  fs::copy_file(from, dir / name, fs::copy_options::overwrite_existing, ec);
  if (ec) return IoError("cannot copy '" + from.string() + "' to '" + (dir / name).string() + "': " + ec.message());
  files->push_back(name);
  return Status::Ok();
}

Status Write(const fs::path& dir, const std::string& name, const std::string& content,
             std::vector<std::string>* files) {
  RETURN_IF_ERROR(WriteFileAtomic(dir / name, content));
  files->push_back(name);
  return Status::Ok();
}

std::string Title(const Json& version) {
  return version.value("model", "model") + " version " + std::to_string(version.value("version", 0));
}

std::string CReadme(const Json& version) {
  return "# " + Title(version) + ": C SDK\n\n"
         "Exported by `tandem model export`. `libtandem_predict.so` replays the model's fitted\n"
         "transforms (`transforms.json`) and its prediction (`model.json`, format in\n"
         "`meta.json`) with the service's own code, so it predicts the same numbers as the\n"
         "Tandem service. It needs libxgboost at run time (Debian: libxgboost0).\n\n"
         "Build and run the example in this folder:\n\n"
         "```sh\n" + std::string(kExampleBuildCommand) + "\n./example rows.csv\n```\n\n"
         "`rows.csv` has a header row naming the model's input columns (see `meta.json`,\n"
         "`features`); each output line is one row's class probabilities (or regression\n"
         "value). The API is in `tandem_predict.h`.\n";
}

std::string PythonReadme(const Json& version, const std::string& folder) {
  return "# " + Title(version) + ": Python package\n\n"
         "Exported by `tandem model export --format python`: this folder is the package. It\n"
         "predicts through `libtandem_predict.so` (ctypes), the same code as the service.\n\n"
         "```python\nimport sys; sys.path.insert(0, \"<parent of this folder>\")\n"
         "import " + folder + " as sdk\nmodel = sdk.load()\nprint(model.inputs)\n"
         "print(model.predict([[...one value per input...]]))\nprint(model.predict_csv(\"rows.csv\"))\n"
         "```\n\nOr from a shell: `python3 " + folder + " rows.csv`.\n";
}

}  // namespace

const std::vector<std::string>& ExportableFormats() {
  static const std::vector<std::string> formats = {"xgboost", "linear", "kmeans"};
  return formats;
}

Status CheckExportable(const Json& version) {
  const std::string model_format = version.value("format", "xgboost");
  const auto& formats = ExportableFormats();
  if (std::find(formats.begin(), formats.end(), model_format) != formats.end()) return Status::Ok();
  std::string list;
  for (const auto& f : formats) list += (list.empty() ? "" : ", ") + f;
  return InvalidArgument("format: `tandem model export` covers " + list + " models; this version is '" +
                         model_format + "' (serve it with `tandem service deploy` instead)");
}

Result<ExportResult> Export(const ExportRequest& req) {
  if (req.format != "c-sdk" && req.format != "python") {
    return InvalidArgument("format: '" + req.format + "' is not c-sdk or python");
  }
  RETURN_IF_ERROR(CheckExportable(req.version));
  // The bytes must be the version's: a model file changed on disk since it was stored
  // is refused, naming the digest (the server names the path in `tandem gc --verify`).
  if (const std::string digest = req.version.value("digest", ""); !digest.empty()) {
    const std::string actual = Sha256Hex(req.model_bytes);
    if (actual != digest) {
      return FailedPrecondition("model file of " + req.version.value("model", std::string()) + ":" +
                                std::to_string(req.version.value("version", 0)) +
                                " no longer matches its digest " + digest + " (it hashes to " +
                                actual + "): the artifact was changed on disk; not exported");
    }
  }
  const std::string model_format = req.version.value("format", "xgboost");
  if (req.out_dir.empty()) return InvalidArgument("output folder is empty");
  const fs::path dir = req.out_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError("cannot create '" + dir.string() + "': " + ec.message());

  Json meta = Json::object();
  if (req.version.contains("artifact") && req.version["artifact"].contains("meta") &&
      req.version["artifact"]["meta"].is_object()) {
    meta = req.version["artifact"]["meta"];
  }
  meta["model_name"] = req.version.value("model", "");
  meta["model_version"] = req.version.value("version", 0);
  meta["format"] = model_format;
  const Json transforms = meta.value("transforms", Json::array());

  ExportResult result;
  const fs::path sdk = fs::path(req.sdk_dir) / "sdk";
  RETURN_IF_ERROR(Write(dir, "model.json", req.model_bytes, &result.files));
  RETURN_IF_ERROR(Write(dir, "meta.json", meta.dump(2) + "\n", &result.files));
  RETURN_IF_ERROR(Write(dir, "transforms.json", transforms.dump(2) + "\n", &result.files));
  RETURN_IF_ERROR(CopyInto(fs::path(req.sdk_dir) / "libtandem_predict.so", dir,
                           "libtandem_predict.so", &result.files));
  if (req.format == "c-sdk") {
    RETURN_IF_ERROR(CopyInto(sdk / "tandem_predict.h", dir, "tandem_predict.h", &result.files));
    RETURN_IF_ERROR(CopyInto(sdk / "example.c", dir, "example.c", &result.files));
    RETURN_IF_ERROR(Write(dir, "README.md", CReadme(req.version), &result.files));
    result.build_command = kExampleBuildCommand;
  } else {
    RETURN_IF_ERROR(CopyInto(sdk / "python" / "tandem_predict.py", dir, "__init__.py", &result.files));
    RETURN_IF_ERROR(CopyInto(sdk / "python" / "__main__.py", dir, "__main__.py", &result.files));
    const std::string folder = fs::absolute(dir).lexically_normal().filename().string();
    RETURN_IF_ERROR(Write(dir, "README.md", PythonReadme(req.version, folder), &result.files));
  }
  return result;
}

}  // namespace tandem::sdk
