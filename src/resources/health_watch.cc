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
  if (thread_.joinable()) return;
  thread_ = std::thread([this, interval_ms] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      cv_.wait_for(lock, std::chrono::milliseconds(interval_ms));
      if (stopping_) break;
      lock.unlock();
      CheckOnce();
      lock.lock();
    }
  });
}

void HealthWatch::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tandem::resources
