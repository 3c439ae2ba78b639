#include "resources/resource_request.h"

#include <set>

namespace tandem::resources {

namespace {

const std::set<std::string> kKeys = {"cpus", "memory", "gpu", "models", "priority", "project", "environment",
                                     "mode"};

// gpu: N is shorthand for {count: N}.
Json Normalized(const Json& resources) {
  Json out = resources;
  if (out.contains("gpu") && out["gpu"].is_number_integer()) out["gpu"] = Json{{"count", out["gpu"]}};
  return out;
}

}  // namespace

void CheckResources(const Json& resources, const std::string& path, std::vector<std::string>* problems) {
  if (resources.is_null()) return;
  if (!resources.is_object()) {
    problems->push_back(path + ": expected a mapping {cpus, memory, gpu, environment, ...}");
    return;
  }
  const Json normalized = Normalized(resources);
  for (const auto& [key, value] : normalized.items()) {
    if (!kKeys.count(key)) {
      problems->push_back(JoinPath(path, key) + ": unknown key (known: cpus, memory, gpu, models, priority, "
                                                "project, environment, mode)");
      continue;
    }
    // One key at a time, so every wrong key is reported, not only the first.
    Json alone = Json::object();
    alone[key] = value;
    auto parsed = scheduler::ParseRequest(alone, path);
    if (!parsed.ok()) problems->push_back(parsed.status().message());
  }
}

Result<scheduler::Request> RequestFor(const Json& defaults, const Json& resources, const std::string& name,
                                      const std::string& path) {
  Json merged = defaults.is_object() ? Normalized(defaults) : Json::object();
  if (resources.is_object()) {
    // A named copy: items() of a temporary would iterate a destroyed object.
    const Json overlay = Normalized(resources);
    for (const auto& [key, value] : overlay.items()) merged[key] = value;
  }
  if (!merged.contains("cpus")) merged["cpus"] = 1;
  merged["name"] = name;
  return scheduler::ParseRequest(merged, path);
}

bool DeclaresCpus(const Json& defaults, const Json& resources) {
  return (defaults.is_object() && defaults.contains("cpus")) || (resources.is_object() && resources.contains("cpus"));
}

bool DeclaresMemory(const Json& defaults, const Json& resources) {
  return (defaults.is_object() && defaults.contains("memory")) ||
         (resources.is_object() && resources.contains("memory"));
}

}  // namespace tandem::resources
