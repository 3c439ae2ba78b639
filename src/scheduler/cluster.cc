#include "scheduler/cluster.h"

#include <algorithm>
#include <bit>

namespace tandem::scheduler {

namespace {

int64_t CappedUsed(const NodeState& s) {
  int64_t sum = 0;
  for (int g = 0; g < s.gpu_count; ++g) sum += std::min(s.gpus[g].used_milli, kMilliPerGpu);
  return sum;
}

}  // namespace

int BitCount(GpuMask mask) { return std::popcount(mask); }

GpuMask LowestBits(GpuMask mask, int count) {
  GpuMask out = 0;
  while (mask != 0 && count > 0) {
    GpuMask low = mask & (~mask + 1);
    out |= low;
    mask ^= low;
    --count;
  }
  return out;
}

int64_t NodeState::gpu_milli_left() const {
  int64_t sum = 0;
  for (int g = 0; g < gpu_count; ++g) sum += gpus[g].left();
  return sum;
}

int NodeState::fully_free_gpus() const {
  int n = 0;
  for (int g = 0; g < gpu_count; ++g) n += gpus[g].left() == kMilliPerGpu;
  return n;
}

ClusterState::ClusterState(std::vector<NodeSpec> nodes, double oversubscription)
    : specs_(std::move(nodes)), oversubscription_(std::max(1.0, oversubscription)) {
  states_.reserve(specs_.size());
  for (const NodeSpec& spec : specs_) {
    NodeState s;
    s.cpu_left = spec.cpu_milli;
    s.memory_left = spec.memory_mib;
    s.environments = spec.environments;
    s.gpu_count = std::min<int>(static_cast<int>(spec.gpus.size()), kMaxGpusPerNode);
    for (int g = 0; g < s.gpu_count; ++g) {
      const GpuSpec& gs = spec.gpus[g];
      s.gpus[g].memory_mib = gs.memory_mib;
      s.gpus[g].model = InternModel(gs.model);
      s.gpus[g].healthy = gs.healthy;
      s.gpus[g].environments = gs.environments;
      if (gs.healthy) total_gpu_milli_ += kMilliPerGpu;
    }
    states_.push_back(s);
  }
}

uint16_t ClusterState::InternModel(const std::string& model) {
  for (size_t i = 0; i < models_.size(); ++i) {
    if (models_[i] == model) return static_cast<uint16_t>(i);
  }
  models_.push_back(model);
  return static_cast<uint16_t>(models_.size() - 1);
}

int ClusterState::FindNode(const std::string& name) const {
  for (int i = 0; i < node_count(); ++i) {
    if (specs_[i].name == name) return i;
  }
  return -1;
}

Demand ClusterState::Resolve(const Request& r) const {
  Demand d;
  d.cpu_milli = r.cpu_milli;
  d.memory_mib = r.memory_mib;
  d.gpu_count = r.gpu.count;
  d.gpu_milli = r.gpu.count > 0 ? r.gpu.milli : 0;
  d.gpu_memory_mib = r.gpu.memory_mib;
  d.environment = MaskOf(r.environment);
  d.mode = r.mode;
  if (!r.models.empty()) {
    d.model_mask = 0;
    for (const std::string& m : r.models) {
      for (size_t i = 0; i < models_.size() && i < 64; ++i) {
        if (models_[i] == m) d.model_mask |= uint64_t{1} << i;
      }
    }
  }
  return d;
}

bool ClusterState::HostFits(int node, const Demand& d) const {
  const NodeState& s = states_[node];
  return s.schedulable && s.cpu_left >= d.cpu_milli && s.memory_left >= d.memory_mib &&
         (d.gpu_count > 0 || (s.environments & d.environment) != 0);
}

GpuMask ClusterState::FittingGpus(int node, const Demand& d) const {
  if (d.gpu_count == 0) return 0;
  const NodeState& s = states_[node];
  // Fixed work is never oversubscribed; elastic work may be, up to the factor.
  const int32_t capacity = d.mode == Mode::kElastic
                               ? static_cast<int32_t>(oversubscription_ * kMilliPerGpu)
                               : kMilliPerGpu;
  GpuMask mask = 0;
  for (int g = 0; g < s.gpu_count; ++g) {
    const GpuState& gpu = s.gpus[g];
    if (!gpu.healthy || (gpu.environments & d.environment) == 0) continue;
    if (gpu.model >= 64 || ((d.model_mask >> gpu.model) & 1) == 0) continue;
    const bool whole = d.gpu_milli >= kMilliPerGpu;
    if (whole ? gpu.used_milli + kMilliPerGpu > (d.mode == Mode::kElastic ? capacity : kMilliPerGpu)
              : gpu.used_milli + d.gpu_milli > capacity) {
      continue;
    }
    if (d.gpu_memory_mib > 0 && gpu.memory_used_mib + d.gpu_memory_mib > gpu.memory_mib) continue;
    // A whole GPU owns all its memory: none of it may be taken already.
    if (whole && gpu.memory_used_mib > 0 && d.mode == Mode::kFixed) continue;
    mask |= GpuMask{1} << g;
  }
  return mask;
}

bool ClusterState::Fits(int node, const Demand& d, GpuMask gpus) const {
  if (!HostFits(node, d)) return false;
  if (BitCount(gpus) != d.gpu_count) return false;
  return (gpus & ~FittingGpus(node, d)) == 0;
}

std::optional<GpuMask> ClusterState::DefaultChoice(int node, const Demand& d) const {
  if (!HostFits(node, d)) return std::nullopt;
  if (d.gpu_count == 0) return GpuMask{0};
  const GpuMask fitting = FittingGpus(node, d);
  if (BitCount(fitting) < d.gpu_count) return std::nullopt;
  if (!d.sharing()) return LowestBits(fitting, d.gpu_count);
  const NodeState& s = states_[node];
  int best = -1;
  for (int g = 0; g < s.gpu_count; ++g) {
    if (((fitting >> g) & 1) && (best < 0 || s.gpus[g].used_milli > s.gpus[best].used_milli)) best = g;
  }
  return GpuMask{1} << best;
}

void ClusterState::Recount(int node, int64_t before) {
  allocated_gpu_milli_ += CappedUsed(states_[node]) - before;
}

void ClusterState::Apply(const Demand& d, const Placement& p) {
  NodeState& s = states_[p.node];
  const int64_t before = CappedUsed(s);
  s.cpu_left -= d.cpu_milli;
  s.memory_left -= d.memory_mib;
  for (int g = 0; g < s.gpu_count; ++g) {
    if (((p.gpus >> g) & 1) == 0) continue;
    s.gpus[g].used_milli += d.gpu_milli;
    if (d.mode == Mode::kFixed) s.gpus[g].fixed_milli += d.gpu_milli;
    s.gpus[g].memory_used_mib += d.gpu_memory_mib;
  }
  if (d.kind() >= 0 && d.kind() < kGpuKinds) ++s.kind_counts[d.kind()];
  Recount(p.node, before);
}

void ClusterState::Release(const Demand& d, const Placement& p) {
  NodeState& s = states_[p.node];
  const int64_t before = CappedUsed(s);
  s.cpu_left += d.cpu_milli;
  s.memory_left += d.memory_mib;
  for (int g = 0; g < s.gpu_count; ++g) {
    if (((p.gpus >> g) & 1) == 0) continue;
    s.gpus[g].used_milli -= d.gpu_milli;
    if (d.mode == Mode::kFixed) s.gpus[g].fixed_milli -= d.gpu_milli;
    s.gpus[g].memory_used_mib -= d.gpu_memory_mib;
  }
  if (d.kind() >= 0 && d.kind() < kGpuKinds) --s.kind_counts[d.kind()];
  Recount(p.node, before);
}

void ClusterState::SetGpuHealth(int node, int gpu, bool healthy) {
  GpuState& g = states_[node].gpus[gpu];
  if (g.healthy == healthy) return;
  g.healthy = healthy;
  total_gpu_milli_ += healthy ? kMilliPerGpu : -kMilliPerGpu;
}

}  // namespace tandem::scheduler
