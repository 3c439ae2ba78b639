#pragma once
// The metadata store: the only place in Tandem that speaks SQL (DESIGN.md).
// Every method is atomic on its own; Transaction() groups several into one.
// Thread-safe: calls from any thread are serialised inside.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/model_library_records.h"
#include "store/records.h"
#include "store/schedule_records.h"

namespace tandem::store {

struct RunFilter {
  std::string pipeline_name;  // "" = any
  std::string state;          // "" = any
  int limit = 100;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs `fn` inside one transaction: all its writes land, or (when it returns an
  // error) none do. Calls may nest; only the outermost commits.
  virtual Status Transaction(const std::function<Status()>& fn) = 0;

  // Artifacts (metadata rows; bytes live in ArtifactStore).
  virtual Status PutArtifact(const ArtifactRecord& a) = 0;  // idempotent per digest
  virtual Result<ArtifactRecord> GetArtifact(const std::string& digest) = 0;

  // Datasets. Create assigns id (if empty), version = latest + 1 and created_ms.
  virtual Result<DatasetRecord> CreateDatasetVersion(DatasetRecord d) = 0;
  // version 0 = latest. kNotFound names the dataset.
  virtual Result<DatasetRecord> GetDataset(const std::string& name, int version = 0) = 0;
  // Latest version of every dataset, by name.
  virtual Result<std::vector<DatasetRecord>> ListDatasets() = 0;

  // Operators. Put inserts or replaces (name, version).
  virtual Status PutOperator(const OperatorRecord& op) = 0;
  virtual Result<OperatorRecord> GetOperator(const std::string& name, int version = 0) = 0;
  virtual Result<std::vector<OperatorRecord>> ListOperators() = 0;

  // Pipelines. Returns the existing latest version when its digest equals p.digest,
  // else a new version.
  virtual Result<PipelineRecord> CreatePipelineVersion(PipelineRecord p) = 0;
  virtual Result<PipelineRecord> GetPipeline(const std::string& name, int version = 0) = 0;

  // Runs and tasks. CreateRun writes the run and all its tasks in one transaction.
  virtual Status CreateRun(const RunRecord& run, const std::vector<TaskRecord>& tasks) = 0;
  virtual Status UpdateRun(const RunRecord& run) = 0;
  virtual Result<RunRecord> GetRun(const std::string& id) = 0;
  virtual Result<std::vector<RunRecord>> ListRuns(const RunFilter& filter) = 0;  // newest first
  // Runs whose state is not terminal, oldest first: what a restarted server adopts.
  virtual Result<std::vector<RunRecord>> ListUnfinishedRuns() = 0;
  virtual Status UpdateTask(const TaskRecord& task) = 0;
  virtual Result<TaskRecord> GetTask(const std::string& id) = 0;
  virtual Result<std::vector<TaskRecord>> ListTasks(const std::string& run_id) = 0;
  // The succeeded task with this cache key that finished last, or nullopt (also for
  // an empty key).
  virtual Result<std::optional<TaskRecord>> FindCachedTask(const std::string& key) = 0;

  // Model library. CreateModelVersion creates the model on first use and assigns
  // version = latest + 1 and created_ms.
  virtual Result<ModelVersionRecord> CreateModelVersion(ModelVersionRecord v) = 0;
  virtual Result<ModelVersionRecord> GetModelVersion(const std::string& name, int version = 0) = 0;
  virtual Result<std::vector<ModelSummary>> ListModels() = 0;
  virtual Result<std::vector<ModelVersionRecord>> ListModelVersions(const std::string& name) = 0;

  // Services. Put inserts or replaces by name.
  virtual Status PutService(const ServiceRecord& s) = 0;
  virtual Result<ServiceRecord> GetService(const std::string& name) = 0;
  virtual Result<std::vector<ServiceRecord>> ListServices() = 0;
  virtual Status DeleteService(const std::string& name) = 0;

  // --- Model library (tags, aliases, stages) and services with several replicas ---
  // Migration 0004; SqliteStore implements them in sqlite_store_models.cc. The defaults
  // refuse, so a store written for other areas (a test's fake) need not implement them.

  // Sets (inserts or replaces) one tag of a version. kNotFound names a missing version.
  virtual Status SetModelTag(const ModelTagRecord& /*tag*/) { return Lacks("model tags"); }
  // kNotFound when the version has no tag `key`.
  virtual Status RemoveModelTag(const std::string& /*model*/, int /*version*/, const std::string& /*key*/) {
    return Lacks("model tags");
  }
  // Every tag of every version of `model`, by version then key.
  virtual Result<std::vector<ModelTagRecord>> ListModelTags(const std::string& /*model*/) {
    return Lacks("model tags");
  }
  // Points `alias` at `version` in one transaction, so an alias never names two versions
  // and readers see it before or after the move. An alias named like a stage (staging,
  // production) also sets that stage on `version`, and the version that held the alias
  // before goes back to stage none. kNotFound names a missing version.
  virtual Status SetModelAlias(const std::string& /*model*/, const std::string& /*alias*/, int /*version*/) {
    return Lacks("model aliases");
  }
  // kNotFound when `model` has no such alias.
  virtual Status RemoveModelAlias(const std::string& /*model*/, const std::string& /*alias*/) {
    return Lacks("model aliases");
  }
  // Aliases of `model` by name.
  virtual Result<std::vector<ModelAliasRecord>> ListModelAliases(const std::string& /*model*/) {
    return Lacks("model aliases");
  }
  // kInvalidArgument for a stage that is not one of stage::k*; kNotFound for a missing version.
  virtual Status SetModelStage(const std::string& /*model*/, int /*version*/, const std::string& /*stage*/) {
    return Lacks("model stages");
  }
  // The stage of every version of `model`, by version.
  virtual Result<std::map<int, std::string>> ListModelStages(const std::string& /*model*/) {
    return Lacks("model stages");
  }

  // Writes a service's row, its spec and its whole set of replicas (rows of replicas not
  // in `replicas` are deleted) in one transaction: the one way services change.
  virtual Status PutServiceState(const ServiceRecord& /*service*/, const ServiceSpecRecord& /*spec*/,
                                 const std::vector<ReplicaRecord>& /*replicas*/) {
    return Lacks("service replicas");
  }
  // kNotFound when the service has no spec (one written before migration 0004).
  virtual Result<ServiceSpecRecord> GetServiceSpec(const std::string& /*name*/) {
    return Lacks("service replicas");
  }
  // The service's replicas by id (empty for an unknown service).
  virtual Result<std::vector<ReplicaRecord>> ListReplicas(const std::string& /*service*/) {
    return Lacks("service replicas");
  }


  // --- Workflow triggers (schedules) and the engine's restart state ---
  // Migration 0005; SqliteStore implements them in sqlite_store_schedules.cc. The defaults
  // refuse, like the model library's above.

  // Inserts or replaces the schedule named s.name (created_ms kept from the first Put).
  virtual Status PutSchedule(const ScheduleRecord& /*s*/) { return Lacks("schedules"); }
  // kNotFound names the schedule.
  virtual Result<ScheduleRecord> GetSchedule(const std::string& /*name*/) { return Lacks("schedules"); }
  // Every schedule, by name.
  virtual Result<std::vector<ScheduleRecord>> ListSchedules() { return Lacks("schedules"); }
  // kNotFound names the schedule.
  virtual Status DeleteSchedule(const std::string& /*name*/) { return Lacks("schedules"); }
  // How a run started (its trigger, --no-cache). kNotFound names a missing run.
  virtual Status SetRunOrigin(const std::string& /*run_id*/, const RunOrigin& /*origin*/) {
    return Lacks("run origins");
  }
  // An empty origin (manual, cache allowed) for a run that never had one set.
  virtual Result<RunOrigin> GetRunOrigin(const std::string& /*run_id*/) { return Lacks("run origins"); }
  // When a pending task's retry may start (0 = at once). kNotFound names a missing task.
  virtual Status SetTaskNotBefore(const std::string& /*task_id*/, TimeMs /*not_before_ms*/) {
    return Lacks("retry times");
  }
  // task id -> not_before_ms for the run's tasks that have one (> 0).
  virtual Result<std::map<std::string, TimeMs>> ListTaskNotBefore(const std::string& /*run_id*/) {
    return Lacks("retry times");
  }

  // --- Deletes and garbage collection ---
  // SqliteStore implements them in sqlite_store_cleanup.cc. Deletes remove rows only;
  // an artifact's bytes go only through ArtifactStore::Sweep (store/gc.h).

  // Removes a run and its tasks. kNotFound names the run; kFailedPrecondition while the
  // run or one of its tasks has not ended ("cancel it first").
  virtual Status DeleteRun(const std::string& /*id*/) { return Lacks("deletes"); }
  // Removes one version of a dataset (0 = every version). kNotFound names it;
  // kFailedPrecondition names an unfinished run that reads it.
  virtual Status DeleteDataset(const std::string& /*name*/, int /*version*/) { return Lacks("deletes"); }
  // Removes one model version with its tags (and the model, with its last version).
  // kNotFound names it; kFailedPrecondition names the service (its stable or canary
  // version, or a replica) or the alias that uses it.
  virtual Status DeleteModelVersion(const std::string& /*name*/, int /*version*/) { return Lacks("deletes"); }
  // Finished runs (terminal, finished_ms > 0) that finished before `before_ms`, oldest first.
  virtual Result<std::vector<RunRecord>> ListRunsFinishedBefore(TimeMs /*before_ms*/) { return Lacks("deletes"); }
  // Every artifact row, by digest.
  virtual Result<std::vector<ArtifactRecord>> ListArtifacts() { return Lacks("garbage collection"); }
  // Every artifact digest some row names: any 64-hex-character word in any text of any
  // table (dataset versions, task inputs and outputs with their meta, model versions,
  // operators, service specs, and whatever a later migration adds), then, from the
  // artifacts so found, the digests their own meta names. Over-marking (a cache key
  // looks like a digest) only keeps more; nothing named is ever missed.
  virtual Result<std::set<std::string>> ReferencedDigests() { return Lacks("garbage collection"); }
  // Removes these artifact rows (the files are the caller's).
  virtual Status DeleteArtifactRows(const std::vector<std::string>& /*digests*/) { return Lacks("garbage collection"); }

 private:
  static Status Lacks(const char* what) {
    return Internal(std::string("this store does not keep ") + what);
  }
};

// Opens (creating if needed) the SQLite database at `path` in WAL mode with
// synchronous=FULL, and applies the numbered migrations it has not seen yet.
// `clock` stamps created_ms; it must outlive the store.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, Clock& clock);

}  // namespace tandem::store
