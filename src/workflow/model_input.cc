#include "workflow/model_input.h"

#include "registry/model_library.h"

namespace tandem::workflow {

Result<store::ModelVersionRecord> ResolveModelParam(store::Store& store, const Json& params,
                                                    const std::string& param,
                                                    const std::string& path) {
  const std::string where = path + "." + param;
  auto text = params.find(param);
  if (text == params.end() || !text->is_string()) {
    return InvalidArgument(where + ": expected a model reference NAME, NAME:VERSION or NAME@ALIAS");
  }
  auto ref = registry::ParseModelRef(text->get<std::string>());
  if (!ref.ok()) return InvalidArgument(where + ": " + ref.status().message());
  auto v = registry::ModelLibrary(store).Resolve(*ref);
  if (v.ok()) return v;
  if (v.status().code() != StatusCode::kNotFound) return v.status();
  return InvalidArgument(where + ": " + v.status().message());
}

Json ModelInputRecord(const store::ModelVersionRecord& v) {
  return {{"digest", v.artifact_digest},
          {"type", "model"},
          {"model", {{"name", v.model_name}, {"version", v.version}}}};
}

Result<operators::InputArtifact> ModelInput(store::Store& store,
                                            const store::ArtifactStore& artifacts,
                                            const Json& record) {
  const std::string digest = record.value("digest", "");
  ASSIGN_OR_RETURN(store::ArtifactRecord art, store.GetArtifact(digest));
  ASSIGN_OR_RETURN(auto path, artifacts.PathOf(digest));
  operators::InputArtifact in;
  in.path = path.string();
  in.digest = digest;
  in.type = "model";
  in.meta = art.meta.is_object() ? art.meta : Json::object();
  in.meta["model"] = record.value("model", Json::object());
  return in;
}

}  // namespace tandem::workflow
