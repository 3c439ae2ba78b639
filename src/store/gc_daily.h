#pragma once
// The server's own `tandem gc`: CollectGarbage (gc.h) once every interval on a thread of
// its own, its outcome logged. Started by the platform when gc.keep_runs_days is set.
#include <filesystem>

#include "core/periodic_worker.h"
#include "store/gc.h"

namespace tandem::store {

class PeriodicGc {
 public:
  // Every reference must outlive this object.
  PeriodicGc(Store& store, ArtifactStore& artifacts, std::filesystem::path data_dir, const Clock& clock,
             GcOptions options);
  ~PeriodicGc();  // Stop()s
  PeriodicGc(const PeriodicGc&) = delete;
  PeriodicGc& operator=(const PeriodicGc&) = delete;

  // The first pass runs one interval after Start (not at start-up, which has enough to do).
  void Start(int64_t interval_ms);
  void Stop();
  int passes() const;  // finished passes, for tests

 private:
  Store& store_;
  ArtifactStore& artifacts_;
  const std::filesystem::path data_dir_;
  const Clock& clock_;
  const GcOptions options_;
  PeriodicWorker worker_;
};

}  // namespace tandem::store
