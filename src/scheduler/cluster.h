#pragma once
// The cluster as the scheduler sees it: nodes with CPU, memory and GPUs (model, memory,
// health, environments) and what is allocated on each, at GPU-milli granularity.
//
// ClusterState is a plain value: policies read it, the simulator and the live scheduler
// copy and change it. Not thread-safe; copies are independent.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scheduler/request.h"

namespace tandem::scheduler {

// A node carries at most this many GPUs (the trace has up to 8); GPU sets are bitmasks.
inline constexpr int kMaxGpusPerNode = 16;
using GpuMask = uint32_t;

struct GpuSpec {
  std::string model;
  int64_t memory_mib = 0;
  bool healthy = true;
  EnvironmentMask environments = kAllEnvironments;
};

struct NodeSpec {
  std::string name;
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  std::vector<GpuSpec> gpus;
  EnvironmentMask environments = kAllEnvironments;  // for CPU work; GPUs carry their own
};

struct GpuState {
  int32_t used_milli = 0;   // fixed + elastic (elastic may oversubscribe past 1000)
  int32_t fixed_milli = 0;  // the part that is reserved by fixed work
  int64_t memory_used_mib = 0;
  int64_t memory_mib = 0;
  uint16_t model = 0;  // interned model id (ClusterState::ModelName)
  bool healthy = true;
  EnvironmentMask environments = kAllEnvironments;

  // Unallocated thousandths of this GPU; 0 when oversubscribed or unhealthy.
  int32_t left() const { return healthy && used_milli < kMilliPerGpu ? kMilliPerGpu - used_milli : 0; }
};

// The kinds of GPU work that GPU-clustering groups: 0 = sharing, k = k whole GPUs.
inline constexpr int kGpuKinds = kMaxGpusPerNode + 1;

struct NodeState {
  int64_t cpu_left = 0;
  int64_t memory_left = 0;
  int gpu_count = 0;
  EnvironmentMask environments = kAllEnvironments;
  bool schedulable = true;  // false once drained: takes no new work
  std::array<GpuState, kMaxGpusPerNode> gpus{};
  std::array<int16_t, kGpuKinds> kind_counts{};  // placed GPU tasks by kind

  int64_t gpu_milli_left() const;
  int fully_free_gpus() const;
};

// A request resolved against one cluster: model names turned into a bitmask, the GPU
// ask normalised. Cheap to build; policies build one per decision.
struct Demand {
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  int gpu_count = 0;
  int gpu_milli = 0;  // per GPU
  int64_t gpu_memory_mib = 0;
  uint64_t model_mask = ~uint64_t{0};
  EnvironmentMask environment = kAllEnvironments;
  Mode mode = Mode::kFixed;

  bool sharing() const { return gpu_count == 1 && gpu_milli < kMilliPerGpu; }
  int64_t total_gpu_milli() const { return int64_t{gpu_count} * gpu_milli; }
  // The GPU-clustering kind (0 sharing, k whole GPUs); -1 without GPUs.
  int kind() const { return gpu_count == 0 ? -1 : (sharing() ? 0 : gpu_count); }
};

struct Placement {
  int node = -1;
  GpuMask gpus = 0;
  bool operator==(const Placement&) const = default;
};

class ClusterState {
 public:
  ClusterState() = default;
  // `oversubscription` >= 1: elastic work may take up to that many GPUs' worth of compute
  // per GPU while GPU memory fits. REQUIRES: every node has at most kMaxGpusPerNode GPUs.
  explicit ClusterState(std::vector<NodeSpec> nodes, double oversubscription = 1.0);

  int node_count() const { return static_cast<int>(specs_.size()); }
  const NodeSpec& spec(int node) const { return specs_[node]; }
  const NodeState& node(int node) const { return states_[node]; }
  const std::string& ModelName(uint16_t id) const { return models_[id]; }
  const std::vector<std::string>& models() const { return models_; }  // by interned id
  double oversubscription() const { return oversubscription_; }
  // The node index by name, -1 when unknown.
  int FindNode(const std::string& name) const;

  Demand Resolve(const Request& request) const;

  // Whether the node's CPU, memory and environment admit the demand (GPUs aside).
  bool HostFits(int node, const Demand& d) const;
  // GPUs of the node that can take one unit of the demand's GPU ask.
  GpuMask FittingGpus(int node, const Demand& d) const;
  // Whether `gpus` is a valid choice for the demand on the node (right count, each fits).
  bool Fits(int node, const Demand& d, GpuMask gpus) const;
  // The lowest-indexed valid GPU set for a whole-GPU or GPU-less demand; a sharing demand
  // gets its best-fitting GPU (least left). nullopt when the node cannot host it.
  std::optional<GpuMask> DefaultChoice(int node, const Demand& d) const;

  // REQUIRES: Fits(p.node, d, p.gpus).
  void Apply(const Demand& d, const Placement& p);
  // Undoes Apply with the same arguments.
  void Release(const Demand& d, const Placement& p);
  void SetGpuHealth(int node, int gpu, bool healthy);
  void SetSchedulable(int node, bool schedulable) { states_[node].schedulable = schedulable; }

  int64_t total_gpu_milli() const { return total_gpu_milli_; }
  // Allocated thousandths, capped at 1000 per GPU (oversubscription does not count twice).
  int64_t allocated_gpu_milli() const { return allocated_gpu_milli_; }

 private:
  uint16_t InternModel(const std::string& model);
  void Recount(int node, int64_t before);

  std::vector<NodeSpec> specs_;
  std::vector<NodeState> states_;
  std::vector<std::string> models_;
  double oversubscription_ = 1.0;
  int64_t total_gpu_milli_ = 0;
  int64_t allocated_gpu_milli_ = 0;
};

// The lowest `count` set bits of `mask` (all of them when fewer).
GpuMask LowestBits(GpuMask mask, int count);
int BitCount(GpuMask mask);

}  // namespace tandem::scheduler
