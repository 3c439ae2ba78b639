#include "workflow/dataset_input.h"

namespace tandem::workflow {

Result<store::DatasetRecord> ResolveDatasetParam(store::Store& store, const Json& params,
                                                 const std::string& param,
                                                 const std::string& path) {
  const std::string name_path = path + "." + param;
  auto name = params.find(param);
  if (name == params.end() || !name->is_string()) {
    return InvalidArgument(name_path + ": expected the name of a dataset");
  }
  int version = 0;
  const std::string version_key = param + "_version";
  auto v = params.find(version_key);
  if (v != params.end() && !v->is_null()) {
    if (!v->is_number_integer() || v->get<int64_t>() < 1 || v->get<int64_t>() > 1'000'000'000) {
      return InvalidArgument(path + "." + version_key + ": expected a version number >= 1");
    }
    version = static_cast<int>(v->get<int64_t>());
  }
  auto d = store.GetDataset(name->get<std::string>(), version);
  if (d.ok()) return d;
  if (d.status().code() != StatusCode::kNotFound) return d.status();
  std::string what = "unknown dataset '" + name->get<std::string>() + "'";
  if (version > 0) what += " version " + std::to_string(version);
  return InvalidArgument(name_path + ": " + what);
}

Json DatasetInputRecord(const store::DatasetRecord& d) {
  return {{"digest", d.artifact_digest},
          {"type", "table"},
          {"dataset", {{"name", d.name}, {"version", d.version}, {"id", d.id}}}};
}

Result<operators::InputArtifact> DatasetInput(store::Store& store,
                                              const store::ArtifactStore& artifacts,
                                              const Json& record) {
  const Json& ds = record.value("dataset", Json::object());
  if (!ds.is_object() || !ds.contains("name") || !ds["name"].is_string() ||
      !ds.contains("version") || !ds["version"].is_number_integer()) {
    return Internal("task.inputs.dataset: the pinned dataset is missing");
  }
  ASSIGN_OR_RETURN(store::DatasetRecord d,
                   store.GetDataset(ds["name"].get<std::string>(), ds["version"].get<int>()));
  ASSIGN_OR_RETURN(auto path, artifacts.PathOf(d.artifact_digest));
  operators::InputArtifact in;
  in.path = path.string();
  in.digest = d.artifact_digest;
  in.type = "table";
  in.meta = {{"dataset", {{"name", d.name}, {"version", d.version}, {"id", d.id}}},
             {"schema", d.schema}};
  return in;
}

}  // namespace tandem::workflow
