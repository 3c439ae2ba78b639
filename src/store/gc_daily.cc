#include "store/gc_daily.h"

#include "core/log.h"

namespace tandem::store {

PeriodicGc::PeriodicGc(Store& store, ArtifactStore& artifacts, std::filesystem::path data_dir, const Clock& clock,
                       GcOptions options)
    : store_(store), artifacts_(artifacts), data_dir_(std::move(data_dir)), clock_(clock), options_(options) {}

PeriodicGc::~PeriodicGc() { Stop(); }

void PeriodicGc::Start(int64_t interval_ms) {
  thread_ = std::thread([this, interval_ms] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(interval_ms), [this] { return stopping_; })) {
      lock.unlock();
      auto report = CollectGarbage(store_, artifacts_, data_dir_, clock_, options_);
      if (report.ok()) {
        spdlog::info("gc: {} old runs deleted ({} kept: referred to), {} artifacts removed, {} bytes freed",
                     report->runs_deleted.size(), report->runs_kept.size(), report->artifacts_removed,
                     report->bytes_freed);
      } else {
        spdlog::warn("gc: {}", report.status().ToString());
      }
      lock.lock();
      ++passes_;
    }
  });
}

void PeriodicGc::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int PeriodicGc::passes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return passes_;
}

}  // namespace tandem::store
