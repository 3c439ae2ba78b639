#include "store/gc_daily.h"

#include "core/log.h"

namespace tandem::store {

PeriodicGc::PeriodicGc(Store& store, ArtifactStore& artifacts, std::filesystem::path data_dir, const Clock& clock,
                       GcOptions options)
    : store_(store), artifacts_(artifacts), data_dir_(std::move(data_dir)), clock_(clock), options_(options) {}

PeriodicGc::~PeriodicGc() { Stop(); }

void PeriodicGc::Start(int64_t interval_ms) {
  worker_.Start(interval_ms, [this] {
    auto report = CollectGarbage(store_, artifacts_, data_dir_, clock_, options_);
    if (report.ok()) {
      spdlog::info("gc: {} old runs deleted ({} kept: referred to), {} artifacts removed, {} bytes freed",
                   report->runs_deleted.size(), report->runs_kept.size(), report->artifacts_removed,
                   report->bytes_freed);
    } else {
      spdlog::warn("gc: {}", report.status().ToString());
    }
  });
}

void PeriodicGc::Stop() { worker_.Stop(); }

int PeriodicGc::passes() const { return worker_.passes(); }

}  // namespace tandem::store
