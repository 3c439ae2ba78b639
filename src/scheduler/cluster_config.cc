#include "scheduler/cluster_config.h"

#include <cmath>

#include "core/yaml_json.h"

namespace tandem::scheduler {

namespace {

std::string Index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

Result<EnvironmentMask> ParseEnvironments(const Json& obj, const std::string& path, EnvironmentMask fallback) {
  if (!obj.contains("environments")) return fallback;
  const std::string field = JoinPath(path, "environments");
  const Json& list = obj["environments"];
  if (!list.is_array() || list.empty()) return InvalidArgument(field + ": expected a non-empty list");
  EnvironmentMask mask = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string()) return InvalidArgument(Index(field, i) + ": expected a string");
    ASSIGN_OR_RETURN(Environment e, ParseEnvironment(list[i].get<std::string>(), Index(field, i)));
    mask |= MaskOf(e);
  }
  return mask;
}

Result<NodeSpec> ParseNode(const Json& obj, const std::string& path) {
  if (!obj.is_object()) return InvalidArgument(path + ": expected an object");
  NodeSpec node;
  ASSIGN_OR_RETURN(node.name, GetString(obj, "name", path));
  ASSIGN_OR_RETURN(double cpus, GetNumber(obj, "cpus", path));
  if (cpus < 0) return InvalidArgument(JoinPath(path, "cpus") + ": must not be negative");
  node.cpu_milli = static_cast<int64_t>(std::llround(cpus * 1000));
  if (!obj.contains("memory")) return InvalidArgument(JoinPath(path, "memory") + ": required");
  ASSIGN_OR_RETURN(node.memory_mib, ParseMebibytes(obj["memory"], JoinPath(path, "memory")));
  ASSIGN_OR_RETURN(node.environments, ParseEnvironments(obj, path, kAllEnvironments));
  if (obj.contains("gpus")) {
    const std::string field = JoinPath(path, "gpus");
    const Json& gpus = obj["gpus"];
    if (!gpus.is_array()) return InvalidArgument(field + ": expected a list");
    for (size_t i = 0; i < gpus.size(); ++i) {
      const std::string gpath = Index(field, i);
      if (!gpus[i].is_object()) return InvalidArgument(gpath + ": expected an object");
      GpuSpec gpu;
      ASSIGN_OR_RETURN(gpu.model, GetString(gpus[i], "model", gpath));
      if (!gpus[i].contains("memory")) return InvalidArgument(JoinPath(gpath, "memory") + ": required");
      ASSIGN_OR_RETURN(gpu.memory_mib, ParseMebibytes(gpus[i]["memory"], JoinPath(gpath, "memory")));
      ASSIGN_OR_RETURN(gpu.healthy, GetBoolOr(gpus[i], "healthy", true, gpath));
      ASSIGN_OR_RETURN(gpu.environments, ParseEnvironments(gpus[i], gpath, node.environments));
      ASSIGN_OR_RETURN(int64_t count, GetIntOr(gpus[i], "count", 1, gpath));
      if (count < 1) return InvalidArgument(JoinPath(gpath, "count") + ": must be at least 1");
      for (int64_t c = 0; c < count; ++c) node.gpus.push_back(gpu);
    }
    if (node.gpus.size() > static_cast<size_t>(kMaxGpusPerNode)) {
      return InvalidArgument(field + ": at most " + std::to_string(kMaxGpusPerNode) + " GPUs per node");
    }
  }
  return node;
}

Result<ProjectQuota> ParseQuota(const Json& obj, const std::string& path) {
  if (!obj.is_object()) return InvalidArgument(path + ": expected an object");
  ProjectQuota q;
  if (obj.contains("gpus")) {
    ASSIGN_OR_RETURN(double gpus, GetNumber(obj, "gpus", path));
    q.gpu_milli = static_cast<int64_t>(std::llround(gpus * kMilliPerGpu));
  }
  if (obj.contains("cpus")) {
    ASSIGN_OR_RETURN(double cpus, GetNumber(obj, "cpus", path));
    q.cpu_milli = static_cast<int64_t>(std::llround(cpus * 1000));
  }
  if (obj.contains("memory")) {
    ASSIGN_OR_RETURN(q.memory_mib, ParseMebibytes(obj["memory"], JoinPath(path, "memory")));
  }
  return q;
}

}  // namespace

Result<ClusterConfig> ParseClusterConfig(const Json& doc) {
  if (!doc.is_object()) return InvalidArgument("cluster: expected an object");
  ClusterConfig config;
  ASSIGN_OR_RETURN(config.oversubscription, GetNumberOr(doc, "oversubscription", 1.0));
  if (config.oversubscription < 1) return InvalidArgument("oversubscription: must be at least 1");
  if (!doc.contains("nodes") || !doc["nodes"].is_array() || doc["nodes"].empty()) {
    return InvalidArgument("nodes: expected a non-empty list");
  }
  for (size_t i = 0; i < doc["nodes"].size(); ++i) {
    ASSIGN_OR_RETURN(NodeSpec node, ParseNode(doc["nodes"][i], Index("nodes", i)));
    for (const NodeSpec& other : config.nodes) {
      if (other.name == node.name) return InvalidArgument(Index("nodes", i) + ".name: duplicate '" + node.name + "'");
    }
    config.nodes.push_back(std::move(node));
  }
  if (doc.contains("quotas")) {
    if (!doc["quotas"].is_object()) return InvalidArgument("quotas: expected a mapping of project to quota");
    for (const auto& [project, quota] : doc["quotas"].items()) {
      ASSIGN_OR_RETURN(config.quotas[project], ParseQuota(quota, JoinPath("quotas", project)));
    }
  }
  return config;
}

Result<ClusterConfig> ParseClusterConfigYaml(const std::string& text, const std::string& what) {
  ASSIGN_OR_RETURN(Json doc, ParseYamlText(text, what));
  Result<ClusterConfig> config = ParseClusterConfig(doc);
  if (!config.ok()) return config.status().WithContext(what);
  return config;
}

}  // namespace tandem::scheduler
