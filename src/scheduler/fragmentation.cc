#include "scheduler/fragmentation.h"

#include <algorithm>
#include <tuple>

namespace tandem::scheduler {

namespace {

// Resolves a '|'-joined model list against the cluster's interned model names.
uint64_t ModelMask(const std::vector<std::string>& interned, const std::string& models) {
  if (models.empty()) return ~uint64_t{0};
  uint64_t mask = 0;
  size_t start = 0;
  while (start <= models.size()) {
    size_t bar = models.find('|', start);
    if (bar == std::string::npos) bar = models.size();
    const std::string name = models.substr(start, bar - start);
    for (size_t i = 0; i < interned.size() && i < 64; ++i) {
      if (interned[i] == name) mask |= uint64_t{1} << i;
    }
    start = bar + 1;
  }
  return mask;
}

}  // namespace

FragmentationModel::FragmentationModel(const ClusterState& cluster) : models_(cluster.models()) {}

FragmentationModel::FragmentationModel(const ClusterState& cluster, const Workload& workload)
    : models_(cluster.models()) {
  for (const WeightedShape& w : workload) Add(w.shape, w.frequency);
}

void FragmentationModel::Add(const TaskShape& shape, double weight) {
  auto it = std::find_if(shapes_.begin(), shapes_.end(), [&](const Shape& s) { return s.shape == shape; });
  if (it != shapes_.end()) {
    it->weight += weight;
  } else {
    shapes_.push_back({shape, shape.cpu_milli, shape.gpu_count > 0 ? shape.gpu_milli : 0, shape.gpu_count,
                       ModelMask(models_, shape.models), weight});
  }
  Reindex();
}

void FragmentationModel::Remove(const TaskShape& shape, double weight) {
  auto it = std::find_if(shapes_.begin(), shapes_.end(), [&](const Shape& s) { return s.shape == shape; });
  if (it == shapes_.end()) return;
  it->weight -= weight;
  if (it->weight <= 0) shapes_.erase(it);  // gone: its CPU ask no longer splits the memo
  Reindex();
}

void FragmentationModel::Reindex() {
  cpu_thresholds_.clear();
  total_weight_ = 0;
  for (const Shape& s : shapes_) {
    cpu_thresholds_.push_back(s.cpu_milli);
    total_weight_ += s.weight;
  }
  std::sort(cpu_thresholds_.begin(), cpu_thresholds_.end());
  cpu_thresholds_.erase(std::unique(cpu_thresholds_.begin(), cpu_thresholds_.end()), cpu_thresholds_.end());
  memo_.clear();
}

Workload FragmentationModel::workload() const {
  Workload out;
  for (const Shape& s : shapes_) out.push_back({s.shape, s.weight / total_weight_});
  std::sort(out.begin(), out.end(), [](const WeightedShape& a, const WeightedShape& b) {
    if (a.frequency != b.frequency) return a.frequency > b.frequency;
    return std::tie(a.shape.cpu_milli, a.shape.gpu_milli, a.shape.gpu_count, a.shape.models) >
           std::tie(b.shape.cpu_milli, b.shape.gpu_milli, b.shape.gpu_count, b.shape.models);
  });
  return out;
}

double FragmentationModel::NodeFragmentation(const NodeState& s) const {
  int64_t free_total = 0;
  for (int g = 0; g < s.gpu_count; ++g) free_total += s.gpus[g].left();
  if (free_total == 0 || total_weight_ <= 0) return 0;
  // Sum weight x unusable thousandths, then divide once: with whole-number weights
  // (counts) every term and partial sum is an exact integer, so the order shapes were
  // added in does not change the result.
  double frag = 0;
  for (const Shape& m : shapes_) {
    if (m.gpu_milli == 0) {  // a CPU task leaves every free GPU idle
      frag += m.weight * static_cast<double>(free_total);
      continue;
    }
    int fitting = 0;
    int64_t unusable = 0;
    bool accessible = false;
    for (int g = 0; g < s.gpu_count; ++g) {
      const GpuState& gpu = s.gpus[g];
      const bool allowed = gpu.model < 64 && ((m.model_mask >> gpu.model) & 1);
      accessible |= allowed && gpu.healthy;
      if (allowed && gpu.left() >= m.gpu_milli) {
        ++fitting;
      } else {
        unusable += gpu.left();
      }
    }
    const bool runs = accessible && fitting >= m.gpu_count && s.cpu_left >= m.cpu_milli;
    frag += m.weight * static_cast<double>(runs ? unusable : free_total);
  }
  return frag / total_weight_;
}

size_t FragmentationModel::KeyHash::operator()(const Key& k) const {
  uint64_t h = 1469598103934665603ull ^ static_cast<uint64_t>(k.cpu_rank);
  h = (h ^ static_cast<uint64_t>(k.gpu_count)) * 1099511628211ull;
  for (int g = 0; g < k.gpu_count; ++g) h = (h ^ k.gpus[g]) * 1099511628211ull;
  return static_cast<size_t>(h);
}

FragmentationModel::Key FragmentationModel::KeyOf(const NodeState& s) const {
  Key k{};
  // Only the CPU thresholds the shapes test matter, so equal ranks are equal nodes.
  k.cpu_rank = static_cast<int>(std::upper_bound(cpu_thresholds_.begin(), cpu_thresholds_.end(),
                                                 s.cpu_left) -
                                cpu_thresholds_.begin());
  k.gpu_count = s.gpu_count;
  for (int g = 0; g < s.gpu_count; ++g) {
    const GpuState& gpu = s.gpus[g];
    k.gpus[g] = (static_cast<uint32_t>(gpu.healthy ? gpu.model : 0xffff) << 16) |
                static_cast<uint32_t>(gpu.left());
  }
  std::sort(k.gpus.begin(), k.gpus.begin() + s.gpu_count);
  return k;
}

double FragmentationModel::CachedNodeFragmentation(const NodeState& s) const {
  Key key = KeyOf(s);
  auto it = memo_.find(key);
  if (it != memo_.end()) return it->second;
  if (memo_.size() > 4'000'000) memo_.clear();  // bounded memory on very long runs
  const double frag = NodeFragmentation(s);
  memo_.emplace(key, frag);
  return frag;
}

double FragmentationModel::FragmentedShare(const ClusterState& cluster) const {
  double frag = 0;
  int64_t free_total = 0;
  for (int n = 0; n < cluster.node_count(); ++n) {
    frag += CachedNodeFragmentation(cluster.node(n));
    free_total += cluster.node(n).gpu_milli_left();
  }
  return free_total > 0 ? frag / static_cast<double>(free_total) : 0.0;
}

}  // namespace tandem::scheduler
