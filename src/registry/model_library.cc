#include "registry/model_library.h"

#include <algorithm>
#include <map>
#include <set>

namespace tandem::registry {
namespace {

Json View(const store::ModelVersionRecord& v) {
  return {{"model", v.model_name},   {"version", v.version},     {"digest", v.artifact_digest},
          {"format", v.format},      {"signature", v.signature}, {"metrics", v.metrics},
          {"lineage", v.lineage},    {"created_ms", v.created_ms}, {"stage", store::stage::kNone},
          {"tags", Json::object()},  {"aliases", Json::array()}};
}

Status ModelNotFound(const std::string& name) {
  return NotFound("model '" + name + "' not found");
}

}  // namespace

Result<store::ModelVersionRecord> ModelLibrary::Resolve(const ModelRef& ref) {
  int version = ref.version;
  if (!ref.alias.empty()) {
    ASSIGN_OR_RETURN(auto aliases, store_.ListModelAliases(ref.name));
    auto it = std::find_if(aliases.begin(), aliases.end(),
                           [&](const store::ModelAliasRecord& a) { return a.alias == ref.alias; });
    if (it == aliases.end()) {
      ASSIGN_OR_RETURN(auto versions, store_.ListModelVersions(ref.name));
      if (versions.empty()) return ModelNotFound(ref.name);
      return NotFound("model '" + ref.name + "' has no alias '" + ref.alias + "'");
    }
    version = it->version;
  }
  auto mv = store_.GetModelVersion(ref.name, version);
  if (!mv.ok() && mv.status().code() == StatusCode::kNotFound) {
    if (version > 0) {
      return NotFound("model '" + ref.name + "' has no version " + std::to_string(version));
    }
    return ModelNotFound(ref.name);
  }
  return mv;
}

Result<Json> ModelLibrary::VersionViews(const std::string& name, Json* aliases_by_name) {
  ASSIGN_OR_RETURN(auto versions, store_.ListModelVersions(name));
  if (versions.empty()) return ModelNotFound(name);
  ASSIGN_OR_RETURN(auto stages, store_.ListModelStages(name));
  ASSIGN_OR_RETURN(auto tags, store_.ListModelTags(name));
  ASSIGN_OR_RETURN(auto aliases, store_.ListModelAliases(name));
  std::map<int, Json> views;
  for (const auto& v : versions) {
    Json view = View(v);
    if (auto s = stages.find(v.version); s != stages.end()) view["stage"] = s->second;
    views[v.version] = std::move(view);
  }
  for (const auto& t : tags) views[t.version]["tags"][t.key] = t.value;
  *aliases_by_name = Json::object();
  for (const auto& a : aliases) {
    views[a.version]["aliases"].push_back(a.alias);
    (*aliases_by_name)[a.alias] = a.version;
  }
  Json out = Json::array();
  for (auto& [version, view] : views) out.push_back(std::move(view));
  return out;
}

Result<Json> ModelLibrary::Describe(const std::string& name) {
  Json aliases;
  ASSIGN_OR_RETURN(Json versions, VersionViews(name, &aliases));
  ASSIGN_OR_RETURN(auto models, store_.ListModels());
  TimeMs created = 0;
  for (const auto& m : models) {
    if (m.name == name) created = m.created_ms;
  }
  return Json{{"name", name}, {"created_ms", created}, {"aliases", aliases},
              {"versions", versions}};
}

Result<Json> ModelLibrary::DescribeVersion(const ModelRef& ref) {
  ASSIGN_OR_RETURN(store::ModelVersionRecord mv, Resolve(ref));
  Json aliases;
  ASSIGN_OR_RETURN(Json versions, VersionViews(ref.name, &aliases));
  for (const Json& v : versions) {
    if (v["version"] == mv.version) return v;
  }
  return View(mv);
}

Status ModelLibrary::Tag(const ModelRef& ref, const std::string& key, const std::string& value) {
  if (key.empty()) return InvalidArgument("tag key is empty");
  ASSIGN_OR_RETURN(store::ModelVersionRecord mv, Resolve(ref));
  return store_.SetModelTag({mv.model_name, mv.version, key, value});
}

Status ModelLibrary::Untag(const ModelRef& ref, const std::string& key) {
  ASSIGN_OR_RETURN(store::ModelVersionRecord mv, Resolve(ref));
  return store_.RemoveModelTag(mv.model_name, mv.version, key);
}

Status ModelLibrary::SetAlias(const std::string& alias, const ModelRef& target) {
  if (!IsValidAlias(alias)) {
    return InvalidArgument("alias '" + alias + "' must be a name starting with a letter");
  }
  ASSIGN_OR_RETURN(store::ModelVersionRecord mv, Resolve(target));
  return store_.SetModelAlias(mv.model_name, alias, mv.version);
}

Status ModelLibrary::RemoveAlias(const std::string& model, const std::string& alias) {
  return store_.RemoveModelAlias(model, alias);
}

Status ModelLibrary::SetStage(const ModelRef& ref, const std::string& stage) {
  ASSIGN_OR_RETURN(store::ModelVersionRecord mv, Resolve(ref));
  return store_.SetModelStage(mv.model_name, mv.version, stage);
}

Result<Json> ModelLibrary::Compare(const ModelRef& a, const ModelRef& b) {
  ASSIGN_OR_RETURN(store::ModelVersionRecord va, Resolve(a));
  ASSIGN_OR_RETURN(store::ModelVersionRecord vb, Resolve(b));
  const Json& ma = va.metrics.is_object() ? va.metrics : Json::object();
  const Json& mb = vb.metrics.is_object() ? vb.metrics : Json::object();
  std::set<std::string> names;
  for (const auto& [k, _] : ma.items()) names.insert(k);
  for (const auto& [k, _] : mb.items()) names.insert(k);
  Json rows = Json::array();
  for (const std::string& n : names) {
    Json left = ma.contains(n) ? ma[n] : Json();
    Json right = mb.contains(n) ? mb[n] : Json();
    Json delta;
    if (left.is_number() && right.is_number()) delta = right.get<double>() - left.get<double>();
    rows.push_back({{"name", n}, {"a", left}, {"b", right}, {"delta", delta}});
  }
  return Json{{"model", va.model_name}, {"a", va.version}, {"b", vb.version},
              {"model_b", vb.model_name}, {"metrics", rows}};
}

}  // namespace tandem::registry
