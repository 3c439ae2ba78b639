#include "scheduler/policy.h"

#include "scheduler/policy/policies.h"

namespace tandem::scheduler {

std::vector<std::optional<Placement>> PlacementPolicy::PlaceBatch(ClusterState& cluster,
                                                                  const std::vector<Request>& queue) {
  std::vector<std::optional<Placement>> out;
  out.reserve(queue.size());
  for (const Request& r : queue) {
    std::optional<Placement> p = Place(cluster, r);
    if (p) cluster.Apply(cluster.Resolve(r), *p);
    out.push_back(p);
  }
  for (size_t i = queue.size(); i-- > 0;) {
    if (out[i]) cluster.Release(cluster.Resolve(queue[i]), *out[i]);
  }
  return out;
}

namespace {

using Factory = std::unique_ptr<PlacementPolicy> (*)(const PolicyContext&);
struct Entry {
  const char* name;
  Factory make;
  bool needs_fragmentation;
};

// The one list of policies. Self-registering statics would be dropped by the linker from
// a static library that nothing references, so the list is spelled out here.
constexpr Entry kPolicies[] = {
    {"first-fit", NewFirstFit, false},     {"best-fit", NewBestFit, false},
    {"dot-product", NewDotProduct, false}, {"gpu-packing", NewGpuPacking, false},
    {"gpu-clustering", NewGpuClustering, false}, {"random-fit", NewRandomFit, false},
    {"fgd", NewFgd, true},                 {"swarm", NewSwarm, true},
};

}  // namespace

std::vector<std::string> PolicyNames() {
  std::vector<std::string> names;
  for (const Entry& e : kPolicies) names.push_back(e.name);
  return names;
}

Result<std::unique_ptr<PlacementPolicy>> MakePolicy(const std::string& name, const PolicyContext& context) {
  for (const Entry& e : kPolicies) {
    if (name != e.name) continue;
    if (e.needs_fragmentation && context.fragmentation == nullptr) {
      return InvalidArgument("policy '" + name + "' needs the workload's fragmentation model");
    }
    return e.make(context);
  }
  std::string known;
  for (const Entry& e : kPolicies) known += std::string(known.empty() ? "" : ", ") + e.name;
  return InvalidArgument("policy: unknown '" + name + "' (known: " + known + ")");
}

}  // namespace tandem::scheduler
