#pragma once
// A cluster declared in configuration (YAML or JSON): how tests, the simulator and a
// server without NVML describe nodes, GPUs and environments.
//
//   oversubscription: 2        # elastic compute per GPU, in GPUs (default 1)
//   nodes:
//     - name: box
//       cpus: 32               # cores, may be fractional
//       memory: 128Gi
//       environments: [train, test, infer]   # default: all three
//       gpus:
//         - {model: A10, memory: 24Gi, count: 2, environments: [infer]}
//         - {model: T4, memory: 16Gi, healthy: false}
//   quotas:
//     team-a: {gpus: 1.5, cpus: 16, memory: 64Gi}
//
// A GPU entry without environments inherits the node's. Errors name the field path
// ("nodes[0].gpus[1].model: expected a string").
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "scheduler/cluster.h"
#include "scheduler/scheduler.h"

namespace tandem::scheduler {

struct ClusterConfig {
  std::vector<NodeSpec> nodes;
  double oversubscription = 1.0;
  std::map<std::string, ProjectQuota> quotas;
};

Result<ClusterConfig> ParseClusterConfig(const Json& doc);
// `what` names the source (a file name) in errors.
Result<ClusterConfig> ParseClusterConfigYaml(const std::string& text, const std::string& what);

}  // namespace tandem::scheduler
