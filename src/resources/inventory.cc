#include "resources/inventory.h"

#include <algorithm>
#include <cmath>

namespace tandem::resources {

std::string ProbedNodeName(const exec::NodeDevices& probed) {
  return probed.node_name.empty() ? "local" : probed.node_name;
}

Result<scheduler::ClusterConfig> ServerCluster(const Json& declared, const exec::NodeDevices& probed) {
  if (!declared.is_null()) {
    auto parsed = scheduler::ParseClusterConfig(declared);
    if (!parsed.ok()) return InvalidArgument("cluster." + parsed.status().message());
    if (parsed->nodes.empty()) return InvalidArgument("cluster.nodes: declares no node");
    return parsed;
  }
  scheduler::NodeSpec node;
  node.name = ProbedNodeName(probed);
  // At least one CPU: a task asks for one by default, and a container's quota of half a
  // core must still run tasks (slowly) rather than refuse them all.
  node.cpu_milli = std::max<int64_t>(1000, std::llround(probed.cpus * 1000));
  node.memory_mib = static_cast<int64_t>(probed.memory_mib);
  for (const exec::GpuInfo& g : probed.gpus) {
    if (node.gpus.size() == scheduler::kMaxGpusPerNode) break;
    node.gpus.push_back({g.model, static_cast<int64_t>(g.memory_mib), g.healthy, scheduler::kAllEnvironments});
  }
  scheduler::ClusterConfig config;
  config.nodes.push_back(std::move(node));
  return config;
}

}  // namespace tandem::resources
