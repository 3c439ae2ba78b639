#include "store/gc.h"

#include <set>

namespace tandem::store {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

// Runs that something outside them still refers to: a model version's lineage names the
// run, or a model or dataset version's artifact is one of the run's task outputs.
struct Referrers {
  std::set<std::string> run_ids;
  std::set<std::string> digests;
};

Result<Referrers> LoadReferrers(Store& store) {
  Referrers r;
  ASSIGN_OR_RETURN(auto models, store.ListModels());
  for (const auto& m : models) {
    ASSIGN_OR_RETURN(auto versions, store.ListModelVersions(m.name));
    for (const auto& v : versions) {
      r.digests.insert(v.artifact_digest);
      if (v.lineage.is_object() && v.lineage.contains("run_id") && v.lineage["run_id"].is_string()) {
        r.run_ids.insert(v.lineage["run_id"].get<std::string>());
      }
    }
  }
  ASSIGN_OR_RETURN(auto datasets, store.ListDatasets());
  for (const auto& latest : datasets) {
    for (int v = 1; v <= latest.version; ++v) {
      auto d = store.GetDataset(latest.name, v);
      if (d.ok()) r.digests.insert(d->artifact_digest);
    }
  }
  return r;
}

Result<bool> IsReferred(Store& store, const Referrers& refs, const std::string& run_id) {
  if (refs.run_ids.count(run_id)) return true;
  ASSIGN_OR_RETURN(auto tasks, store.ListTasks(run_id));
  for (const auto& t : tasks) {
    if (!t.outputs.is_object()) continue;
    for (const auto& [port, out] : t.outputs.items()) {
      if (out.is_object() && out.contains("digest") && out["digest"].is_string() &&
          refs.digests.count(out["digest"].get<std::string>())) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

Status DeleteRunAndFiles(Store& store, const std::filesystem::path& data_dir, const std::string& id) {
  RETURN_IF_ERROR(store.DeleteRun(id));
  // The id was a run's (the store found it), so it is a plain name, not a path.
  std::error_code ec;
  std::filesystem::remove_all(data_dir / "runs" / id, ec);
  if (ec) return IoError("run '" + id + "' deleted, but its folder stays: " + ec.message());
  return Status::Ok();
}

Result<GcReport> CollectGarbage(Store& store, ArtifactStore& artifacts,
                                const std::filesystem::path& data_dir, const Clock& clock,
                                const GcOptions& options) {
  GcReport report;
  if (options.verify) {
    ASSIGN_OR_RETURN(report.mismatched, artifacts.VerifyAll(options.quarantine));
    return report;
  }
  const TimeMs now = clock.NowMs();
  if (options.keep_runs_days > 0) {
    ASSIGN_OR_RETURN(auto old, store.ListRunsFinishedBefore(now - options.keep_runs_days * kDayMs));
    ASSIGN_OR_RETURN(Referrers refs, LoadReferrers(store));
    for (const auto& run : old) {
      ASSIGN_OR_RETURN(bool referred, IsReferred(store, refs, run.id));
      if (referred) {
        report.runs_kept.push_back(run.id);
        continue;
      }
      if (!options.dry_run) RETURN_IF_ERROR(DeleteRunAndFiles(store, data_dir, run.id));
      report.runs_deleted.push_back(run.id);
    }
  }
  if (options.dry_run) return report;
  ASSIGN_OR_RETURN(auto swept, artifacts.Sweep(now - options.grace_minutes * 60 * 1000));
  report.artifacts_removed = static_cast<int>(swept.removed.size());
  report.bytes_freed = swept.bytes;
  report.stray_files = swept.stray_files;
  return report;
}

}  // namespace tandem::store
