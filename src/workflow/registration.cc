#include "workflow/registration.h"

#include "core/ids.h"

namespace tandem::workflow {

Result<store::ModelVersionRecord> ModelVersionFor(
    const Json& reg, const std::map<std::string, operators::InputArtifact>& inputs,
    Json lineage) {
  const std::string path = "outputs.json: register";
  ASSIGN_OR_RETURN(std::string name, GetString(reg, "name", path));
  if (!IsValidName(name)) return InvalidArgument(path + ".name: " + InvalidNameMessage("model name", name));
  ASSIGN_OR_RETURN(std::string port, GetStringOr(reg, "model_port", "model", path));
  auto in = inputs.find(port);
  if (in == inputs.end()) {
    return InvalidArgument(path + ".model_port: the task has no input port '" + port + "'");
  }
  const Json& meta = in->second.meta;
  std::string meta_format;
  if (meta.is_object() && meta.contains("format") && meta["format"].is_string()) {
    meta_format = meta["format"].get<std::string>();
  }
  ASSIGN_OR_RETURN(std::string format, GetStringOr(reg, "format", meta_format, path));
  if (format.empty()) {
    return InvalidArgument(path + ".format: missing, and the model's meta has no format");
  }
  Json metrics = reg.value("metrics", Json::object());
  if (!metrics.is_object()) return InvalidArgument(path + ".metrics: expected an object");

  store::ModelVersionRecord v;
  v.model_name = name;
  v.artifact_digest = in->second.digest;
  v.format = format;
  v.signature = meta.is_object() ? meta.value("signature", Json::object()) : Json::object();
  v.metrics = std::move(metrics);
  v.lineage = std::move(lineage);
  return v;
}

}  // namespace tandem::workflow
