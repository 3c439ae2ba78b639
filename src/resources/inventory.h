#pragma once
// The cluster the server schedules on. Declared in the server config (its `cluster:`
// mapping, in the scheduler/cluster_config.h format: how tests and a server without
// NVML describe nodes, GPUs and environments), or by default this one node as
// exec::ProbeDevices found it (CPUs and memory from /proc and the server's own cgroup,
// GPUs from NVML), every device in all three environments.
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "exec/device_probe.h"
#include "scheduler/cluster_config.h"

namespace tandem::resources {

// The probed node's name in the cluster: its host name, "local" when it has none.
std::string ProbedNodeName(const exec::NodeDevices& probed);

// `declared` null = the probed node. Errors name the field ("cluster.nodes[0].cpus: ...").
Result<scheduler::ClusterConfig> ServerCluster(const Json& declared, const exec::NodeDevices& probed);

}  // namespace tandem::resources
