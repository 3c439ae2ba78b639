#pragma once
// Cleaning up the data dir: deleting a run with its task dirs, and `tandem gc`: old runs
// dropped by the retention setting, then a mark-and-sweep of the artifact store.
//
// Safety rules: an artifact is removed only by ArtifactStore::Sweep, only when no row
// of the store names it, and only when it was written (or stored again) more than
// `grace_minutes` ago, so an import or task in flight, whose reference is not written
// yet, keeps its files. Retention never deletes a run that a model version (its
// lineage, or its artifact being one of the run's outputs) or a dataset version (its
// artifact being one of the run's outputs) still refers to.
#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/artifact_store.h"
#include "store/store.h"

namespace tandem::store {

struct GcOptions {
  int keep_runs_days = 0;        // delete finished runs older than this; 0 = keep every run
  int64_t grace_minutes = 60;    // never sweep an artifact written more recently
  bool dry_run = false;          // report what would go; change nothing
  // `tandem gc --verify`: only re-hash every artifact and report the ones whose content
  // no longer matches its digest (no retention, no sweep); with quarantine, move them
  // aside (ArtifactStore::VerifyAll).
  bool verify = false;
  bool quarantine = false;
};

struct GcReport {
  std::vector<std::string> runs_deleted;
  std::vector<std::string> runs_kept;      // old enough, but something refers to them
  int artifacts_removed = 0;
  int64_t bytes_freed = 0;
  int stray_files = 0;
  std::vector<ArtifactStore::Mismatch> mismatched;  // with verify
};

// Store::DeleteRun, then removes <data_dir>/runs/<id>/ (its task dirs and logs). The
// artifacts its tasks made stay until a sweep finds them unreferenced.
Status DeleteRunAndFiles(Store& store, const std::filesystem::path& data_dir, const std::string& id);

// With verify, only the verification. Else retention first (when keep_runs_days > 0),
// then the sweep. With dry_run, the report
// lists the runs retention would delete and nothing is swept.
Result<GcReport> CollectGarbage(Store& store, ArtifactStore& artifacts,
                                const std::filesystem::path& data_dir, const Clock& clock,
                                const GcOptions& options);

}  // namespace tandem::store
