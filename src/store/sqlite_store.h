#pragma once
// Private to the store: the SQLite implementation of Store. Its methods are split by
// topic over sqlite_store.cc (open, transactions), sqlite_store_catalog.cc (artifacts,
// datasets, operators, pipelines, models, services) and sqlite_store_runs.cc.
//
// Concurrency: one connection; every public method takes mu_ (recursive, so a method
// may run inside Transaction()'s callback on the same thread) and runs inside a
// savepoint, so it is atomic alone and nests inside an outer Transaction().
#include <memory>
#include <mutex>

#include "store/sqlite_db.h"
#include "store/store.h"

namespace tandem::store {

class SqliteStore : public Store {
 public:
  SqliteStore(std::unique_ptr<Db> db, Clock& clock) : db_(std::move(db)), clock_(clock) {}

  Status Transaction(const std::function<Status()>& fn) override;

  Status PutArtifact(const ArtifactRecord& a) override;
  Result<ArtifactRecord> GetArtifact(const std::string& digest) override;

  Result<DatasetRecord> CreateDatasetVersion(DatasetRecord d) override;
  Result<DatasetRecord> GetDataset(const std::string& name, int version) override;
  Result<std::vector<DatasetRecord>> ListDatasets() override;

  Status PutOperator(const OperatorRecord& op) override;
  Result<OperatorRecord> GetOperator(const std::string& name, int version) override;
  Result<std::vector<OperatorRecord>> ListOperators() override;

  Result<PipelineRecord> CreatePipelineVersion(PipelineRecord p) override;
  Result<PipelineRecord> GetPipeline(const std::string& name, int version) override;

  Status CreateRun(const RunRecord& run, const std::vector<TaskRecord>& tasks) override;
  Status UpdateRun(const RunRecord& run) override;
  Result<RunRecord> GetRun(const std::string& id) override;
  Result<std::vector<RunRecord>> ListRuns(const RunFilter& filter) override;
  Result<std::vector<RunRecord>> ListUnfinishedRuns() override;
  Status UpdateTask(const TaskRecord& task) override;
  Result<TaskRecord> GetTask(const std::string& id) override;
  Result<std::vector<TaskRecord>> ListTasks(const std::string& run_id) override;
  Result<std::optional<TaskRecord>> FindCachedTask(const std::string& key) override;

  Result<ModelVersionRecord> CreateModelVersion(ModelVersionRecord v) override;
  Result<ModelVersionRecord> GetModelVersion(const std::string& name, int version) override;
  Result<std::vector<ModelSummary>> ListModels() override;
  Result<std::vector<ModelVersionRecord>> ListModelVersions(const std::string& name) override;

  Status PutService(const ServiceRecord& s) override;
  Result<ServiceRecord> GetService(const std::string& name) override;
  Result<std::vector<ServiceRecord>> ListServices() override;
  Status DeleteService(const std::string& name) override;

  // Model library and multi-replica services: sqlite_store_models.cc.
  Status SetModelTag(const ModelTagRecord& tag) override;
  Status RemoveModelTag(const std::string& model, int version, const std::string& key) override;
  Result<std::vector<ModelTagRecord>> ListModelTags(const std::string& model) override;
  Status SetModelAlias(const std::string& model, const std::string& alias, int version) override;
  Status RemoveModelAlias(const std::string& model, const std::string& alias) override;
  Result<std::vector<ModelAliasRecord>> ListModelAliases(const std::string& model) override;
  Status SetModelStage(const std::string& model, int version, const std::string& stage) override;
  Result<std::map<int, std::string>> ListModelStages(const std::string& model) override;
  Status PutServiceState(const ServiceRecord& service, const ServiceSpecRecord& spec,
                         const std::vector<ReplicaRecord>& replicas) override;
  Result<ServiceSpecRecord> GetServiceSpec(const std::string& name) override;
  Result<std::vector<ReplicaRecord>> ListReplicas(const std::string& service) override;

  // Workflow triggers and the engine's restart state: sqlite_store_schedules.cc.
  Status PutSchedule(const ScheduleRecord& s) override;
  Result<ScheduleRecord> GetSchedule(const std::string& name) override;
  Result<std::vector<ScheduleRecord>> ListSchedules() override;
  Status DeleteSchedule(const std::string& name) override;
  Status SetRunOrigin(const std::string& run_id, const RunOrigin& origin) override;
  Result<RunOrigin> GetRunOrigin(const std::string& run_id) override;
  Status SetTaskNotBefore(const std::string& task_id, TimeMs not_before_ms) override;
  Result<std::map<std::string, TimeMs>> ListTaskNotBefore(const std::string& run_id) override;

  // Deletes and garbage collection: sqlite_store_cleanup.cc.
  Status DeleteRun(const std::string& id) override;
  Status DeleteDataset(const std::string& name, int version) override;
  Status DeleteModelVersion(const std::string& name, int version) override;
  Result<std::vector<RunRecord>> ListRunsFinishedBefore(TimeMs before_ms) override;
  Result<std::vector<ArtifactRecord>> ListArtifacts() override;
  Result<std::set<std::string>> ReferencedDigests() override;
  Status DeleteArtifactRows(const std::vector<std::string>& digests) override;

 private:
  // Runs fn under the lock inside a savepoint: for writes.
  Status Atomic(const std::function<Status()>& fn);
  // Runs fn under the lock only: for reads (each statement sees one committed state).
  Status Read(const std::function<Status()>& fn);
  // MAX(version) of `table` for `name` (0 when none); table/column are fixed literals.
  Result<int> LatestVersion(const char* sql, const std::string& name);
  TimeMs Now() const { return clock_.NowMs(); }
  // kNotFound "model 'x' has no version N" unless that version exists.
  Status RequireModelVersion(const std::string& model, int version);

  std::recursive_mutex mu_;
  std::unique_ptr<Db> db_;
  Clock& clock_;
};

// "<what> 'name'" or "<what> 'name' version N" for not-found messages (0 = latest).
std::string Describe(const char* what, const std::string& name, int version);

}  // namespace tandem::store
