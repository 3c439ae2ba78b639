#pragma once
// GPU fragmentation as defined by FGD (Weng et al., USENIX ATC'23), measured against a
// target workload:
//   for one task shape m on node n, F_n(m) is the free GPU capacity (thousandths) m
//   could not use: all of it when m cannot run there at all (too little CPU, too few
//   fitting GPUs, no GPU of an allowed model, or m asks for no GPU), else the free
//   capacity of the GPUs too small for one unit of m (or of a model m refuses);
//   F_n(M) = sum over shapes of frequency(m) * F_n(m).
// The cluster's fragmented share is sum F_n(M) / total free GPU capacity.
#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "scheduler/cluster.h"
#include "scheduler/workload.h"

namespace tandem::scheduler {

class FragmentationModel {
 public:
  FragmentationModel(const ClusterState& cluster, const Workload& workload);

  // F_n(M) of a node in state `s` (any state, e.g. one a placement would lead to).
  double NodeFragmentation(const NodeState& s) const;
  // The same, remembered by node shape: many nodes of a trace share a state, and
  // policies ask for the same hypothetical states over and over. Not thread-safe.
  double CachedNodeFragmentation(const NodeState& s) const;
  // Fragmented share of the free GPU capacity of the whole cluster (0 when none is free).
  double FragmentedShare(const ClusterState& cluster) const;

 private:
  struct Shape {
    int64_t cpu_milli;
    int gpu_milli;
    int gpu_count;
    uint64_t model_mask;
    double frequency;
  };
  struct Key {
    int cpu_rank;
    int gpu_count;
    std::array<uint32_t, kMaxGpusPerNode> gpus;  // (model << 16 | left), sorted
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  Key KeyOf(const NodeState& s) const;

  std::vector<Shape> shapes_;
  std::vector<int64_t> cpu_thresholds_;  // distinct shape CPU asks, ascending
  mutable std::unordered_map<Key, double, KeyHash> memo_;
};

}  // namespace tandem::scheduler
