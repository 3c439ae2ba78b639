#pragma once
// GPU fragmentation as defined by FGD (Weng et al., USENIX ATC'23), measured against a
// target workload:
//   for one task shape m on node n, F_n(m) is the free GPU capacity (thousandths) m
//   could not use: all of it when m cannot run there at all (too little CPU, too few
//   fitting GPUs, no GPU of an allowed model, or m asks for no GPU), else the free
//   capacity of the GPUs too small for one unit of m (or of a model m refuses);
//   F_n(M) = sum over shapes of frequency(m) * F_n(m).
// The cluster's fragmented share is sum F_n(M) / total free GPU capacity.
//
// The workload is held as a weight per shape (frequency = weight / total weight): a
// fixed workload (a pod list's typical pods), or shape counts kept up to date as jobs
// come and go (Add, Remove), which is how the live scheduler follows its job table
// without rebuilding the model. With whole-number weights (counts) every sum is exact,
// so a model updated step by step equals one built from scratch, bit for bit.
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "scheduler/cluster.h"
#include "scheduler/workload.h"

namespace tandem::scheduler {

class FragmentationModel {
 public:
  FragmentationModel(const ClusterState& cluster, const Workload& workload);
  // An empty workload (every F_n(M) is 0) to count shapes into.
  explicit FragmentationModel(const ClusterState& cluster);

  // One more (or one fewer) task of `shape`. Remove of a shape never added is a no-op.
  // Either forgets the memo: every remembered F_n(M) depends on the frequencies.
  void Add(const TaskShape& shape, double weight = 1);
  void Remove(const TaskShape& shape, double weight = 1);
  // The shapes with their frequencies, largest weight first (ties: larger shape first).
  Workload workload() const;

  // F_n(M) of a node in state `s` (any state, e.g. one a placement would lead to).
  double NodeFragmentation(const NodeState& s) const;
  // The same, remembered by node shape: many nodes of a trace share a state, and
  // policies ask for the same hypothetical states over and over. Not thread-safe.
  double CachedNodeFragmentation(const NodeState& s) const;
  // Fragmented share of the free GPU capacity of the whole cluster (0 when none is free).
  double FragmentedShare(const ClusterState& cluster) const;

 private:
  struct Shape {
    TaskShape shape;
    int64_t cpu_milli;
    int gpu_milli;
    int gpu_count;
    uint64_t model_mask;
    double weight;
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
  // After a change of the shapes or their weights: thresholds, total and memo.
  void Reindex();

  std::vector<std::string> models_;  // the cluster's interned model names, by id
  std::vector<Shape> shapes_;
  double total_weight_ = 0;
  std::vector<int64_t> cpu_thresholds_;  // distinct shape CPU asks, ascending
  mutable std::unordered_map<Key, double, KeyHash> memo_;
};

}  // namespace tandem::scheduler
