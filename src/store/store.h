#pragma once
// The metadata store: the only place in Tandem that speaks SQL (DESIGN.md).
// Every method is atomic on its own; Transaction() groups several into one.
// Thread-safe: calls from any thread are serialised inside.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/records.h"

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
};

// Opens (creating if needed) the SQLite database at `path` in WAL mode with
// synchronous=FULL, and applies the numbered migrations it has not seen yet.
// `clock` stamps created_ms; it must outlive the store.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, Clock& clock);

}  // namespace tandem::store
