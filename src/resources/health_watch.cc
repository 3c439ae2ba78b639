#include "resources/health_watch.h"

#include "core/log.h"

namespace tandem::resources {

HealthWatch::HealthWatch(ResourceBroker& broker, std::string node, GpuProbe probe)
    : broker_(broker), node_(std::move(node)), probe_(std::move(probe)) {}

HealthWatch::~HealthWatch() { Stop(); }

std::vector<std::string> HealthWatch::CheckOnce() {
  std::vector<std::string> drained;
  auto gpus = probe_();
  if (!gpus.ok()) {
    spdlog::warn("GPU health check: {}", gpus.status().ToString());
    return drained;
  }
  for (const exec::GpuInfo& gpu : *gpus) {
    if (gpu.healthy || drained_[gpu.index]) continue;
    const std::string device = node_ + "/" + std::to_string(gpu.index);
    Status st = broker_.Drain(device, "nvml: " + gpu.model + " " + gpu.uuid + " reports an error");
    if (!st.ok()) {
      spdlog::warn("GPU health check: draining {}: {}", device, st.ToString());
      continue;
    }
    drained_[gpu.index] = true;
    drained.push_back(device);
  }
  return drained;
}

void HealthWatch::Start(int interval_ms) {
  worker_.Start(interval_ms, [this] { CheckOnce(); });  // a no-op when already started
}

void HealthWatch::Stop() { worker_.Stop(); }

}  // namespace tandem::resources
