// The versioned libraries: artifacts, datasets, operators, pipelines, models, services.
#include "core/ids.h"
#include "core/sha256.h"
#include "store/sqlite_store.h"

namespace tandem::store {
namespace {

constexpr const char* kArtifactCols = "digest, size, kind, meta, created_ms";
Status ReadArtifact(const Stmt& q, ArtifactRecord* a) {
  a->digest = q.Text(0);
  a->size = q.Int(1);
  a->kind = q.Text(2);
  a->created_ms = q.Int(4);
  return q.JsonAt(3, &a->meta);
}

constexpr const char* kDatasetCols =
    "id, name, version, artifact_digest, schema, rows, source, created_ms";
Status ReadDataset(const Stmt& q, DatasetRecord* d) {
  d->id = q.Text(0);
  d->name = q.Text(1);
  d->version = static_cast<int>(q.Int(2));
  d->artifact_digest = q.Text(3);
  d->rows = q.Int(5);
  d->source = q.Text(6);
  d->created_ms = q.Int(7);
  return q.JsonAt(4, &d->schema);
}

constexpr const char* kOperatorCols = "name, version, state, runtime, manifest, digest, created_ms";
Status ReadOperator(const Stmt& q, OperatorRecord* o) {
  o->name = q.Text(0);
  o->version = static_cast<int>(q.Int(1));
  o->state = q.Text(2);
  o->runtime = q.Text(3);
  o->digest = q.Text(5);
  o->created_ms = q.Int(6);
  return q.JsonAt(4, &o->manifest);
}

constexpr const char* kPipelineCols = "id, name, version, spec, digest, created_ms";
Status ReadPipeline(const Stmt& q, PipelineRecord* p) {
  p->id = q.Text(0);
  p->name = q.Text(1);
  p->version = static_cast<int>(q.Int(2));
  p->spec = q.Text(3);
  p->digest = q.Text(4);
  p->created_ms = q.Int(5);
  return Status::Ok();
}

constexpr const char* kModelVersionCols =
    "model_name, version, artifact_digest, format, signature, metrics, lineage, created_ms";
Status ReadModelVersion(const Stmt& q, ModelVersionRecord* v) {
  v->model_name = q.Text(0);
  v->version = static_cast<int>(q.Int(1));
  v->artifact_digest = q.Text(2);
  v->format = q.Text(3);
  v->created_ms = q.Int(7);
  RETURN_IF_ERROR(q.JsonAt(4, &v->signature));
  RETURN_IF_ERROR(q.JsonAt(5, &v->metrics));
  return q.JsonAt(6, &v->lineage);
}

constexpr const char* kServiceCols =
    "name, model_name, model_version, state, host, port, pid, start_ticks, error, created_ms, "
    "updated_ms";
Status ReadService(const Stmt& q, ServiceRecord* s) {
  s->name = q.Text(0);
  s->model_name = q.Text(1);
  s->model_version = static_cast<int>(q.Int(2));
  s->state = q.Text(3);
  s->host = q.Text(4);
  s->port = static_cast<int>(q.Int(5));
  s->pid = static_cast<int>(q.Int(6));
  s->start_ticks = static_cast<uint64_t>(q.Int(7));
  s->error = q.Text(8);
  s->created_ms = q.Int(9);
  s->updated_ms = q.Int(10);
  return Status::Ok();
}

std::string Cols(const char* cols, const char* rest) {
  return std::string("SELECT ") + cols + " " + rest;
}

// Reads every row of a prepared query with `read`.
template <typename T, typename ReadFn>
Status ReadAll(Stmt& q, ReadFn read, std::vector<T>* out) {
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return Status::Ok();
    T item;
    RETURN_IF_ERROR(read(q, &item));
    out->push_back(std::move(item));
  }
}

// Reads the one row of a lookup, or kNotFound with `missing`.
template <typename T, typename ReadFn>
Status ReadOne(Stmt& q, ReadFn read, const std::string& missing, T* out) {
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFound(missing + " not found");
  return read(q, out);
}

Status RequireName(const char* what, const std::string& name) {
  if (name.empty()) return InvalidArgument(std::string(what) + " name is empty");
  return Status::Ok();
}

}  // namespace

// --- artifacts ---

Status SqliteStore::PutArtifact(const ArtifactRecord& a) {
  if (a.digest.empty()) return InvalidArgument("artifact digest is empty");
  return Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "INSERT INTO artifacts (digest, size, kind, meta, created_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (digest) DO NOTHING"));
    return q.BindAll(a.digest, a.size, a.kind, a.meta, a.created_ms ? a.created_ms : Now()).Run();
  });
}

Result<ArtifactRecord> SqliteStore::GetArtifact(const std::string& digest) {
  ArtifactRecord out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(Cols(kArtifactCols, "FROM artifacts WHERE digest = ?1")));
    q.BindAll(digest);
    return ReadOne(q, ReadArtifact, "artifact '" + digest + "'", &out);
  }));
  return out;
}

// --- datasets ---

Result<DatasetRecord> SqliteStore::CreateDatasetVersion(DatasetRecord d) {
  RETURN_IF_ERROR(RequireName("dataset", d.name));
  RETURN_IF_ERROR(Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(int latest, LatestVersion(
        "SELECT COALESCE(MAX(version), 0) FROM datasets WHERE name = ?1", d.name));
    d.version = latest + 1;
    if (d.id.empty()) d.id = NewId("ds");
    d.created_ms = Now();
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "INSERT INTO datasets (id, name, version, artifact_digest, schema, rows, source, "
        "created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    return q.BindAll(d.id, d.name, d.version, d.artifact_digest, d.schema, d.rows, d.source,
                     d.created_ms).Run();
  }));
  return d;
}

Result<DatasetRecord> SqliteStore::GetDataset(const std::string& name, int version) {
  DatasetRecord out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(Cols(kDatasetCols,
        "FROM datasets WHERE name = ?1 AND (?2 = 0 OR version = ?2) "
        "ORDER BY version DESC LIMIT 1")));
    q.BindAll(name, version);
    return ReadOne(q, ReadDataset, Describe("dataset", name, version), &out);
  }));
  return out;
}

Result<std::vector<DatasetRecord>> SqliteStore::ListDatasets() {
  std::vector<DatasetRecord> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(Cols(kDatasetCols,
        "FROM datasets d WHERE version = "
        "(SELECT MAX(version) FROM datasets WHERE name = d.name) ORDER BY name")));
    return ReadAll(q, ReadDataset, &out);
  }));
  return out;
}

// --- operators ---

Status SqliteStore::PutOperator(const OperatorRecord& op) {
  RETURN_IF_ERROR(RequireName("operator", op.name));
  if (op.version <= 0) {
    return InvalidArgument("operator '" + op.name + "': version must be positive");
  }
  return Atomic([&]() -> Status {
    // A replace keeps the first created_ms: re-registering at startup is not a new operator.
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "INSERT INTO operators (name, version, state, runtime, manifest, digest, created_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (name, version) DO UPDATE SET "
        "state = excluded.state, runtime = excluded.runtime, manifest = excluded.manifest, "
        "digest = excluded.digest"));
    return q.BindAll(op.name, op.version, op.state, op.runtime, op.manifest, op.digest,
                     op.created_ms ? op.created_ms : Now()).Run();
  });
}

Result<OperatorRecord> SqliteStore::GetOperator(const std::string& name, int version) {
  OperatorRecord out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(Cols(kOperatorCols,
        "FROM operators WHERE name = ?1 AND (?2 = 0 OR version = ?2) "
        "ORDER BY version DESC LIMIT 1")));
    q.BindAll(name, version);
    return ReadOne(q, ReadOperator, Describe("operator", name, version), &out);
  }));
  return out;
}

Result<std::vector<OperatorRecord>> SqliteStore::ListOperators() {
  std::vector<OperatorRecord> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(Cols(kOperatorCols,
        "FROM operators ORDER BY name, version")));
    return ReadAll(q, ReadOperator, &out);
  }));
  return out;
}

// --- pipelines ---

Result<PipelineRecord> SqliteStore::CreatePipelineVersion(PipelineRecord p) {
  RETURN_IF_ERROR(RequireName("pipeline", p.name));
  if (p.digest.empty()) p.digest = Sha256Hex(p.spec);
  RETURN_IF_ERROR(Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(Cols(kPipelineCols,
        "FROM pipelines WHERE name = ?1 ORDER BY version DESC LIMIT 1")));
    q.BindAll(p.name);
    ASSIGN_OR_RETURN(bool row, q.Step());
    PipelineRecord latest;
    if (row) RETURN_IF_ERROR(ReadPipeline(q, &latest));
    if (row && latest.digest == p.digest) {
      p = latest;  // same spec: the existing version, not a new one
      return Status::Ok();
    }
    p.version = latest.version + 1;
    if (p.id.empty()) p.id = NewId("pipe");
    p.created_ms = Now();
    ASSIGN_OR_RETURN(Stmt ins, db_->Prepare(
        "INSERT INTO pipelines (id, name, version, spec, digest, created_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    return ins.BindAll(p.id, p.name, p.version, p.spec, p.digest, p.created_ms).Run();
  }));
  return p;
}

Result<PipelineRecord> SqliteStore::GetPipeline(const std::string& name, int version) {
  PipelineRecord out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(Cols(kPipelineCols,
        "FROM pipelines WHERE name = ?1 AND (?2 = 0 OR version = ?2) "
        "ORDER BY version DESC LIMIT 1")));
    q.BindAll(name, version);
    return ReadOne(q, ReadPipeline, Describe("pipeline", name, version), &out);
  }));
  return out;
}

// --- models ---

Result<ModelVersionRecord> SqliteStore::CreateModelVersion(ModelVersionRecord v) {
  RETURN_IF_ERROR(RequireName("model", v.model_name));
  RETURN_IF_ERROR(Atomic([&]() -> Status {
    v.created_ms = Now();
    ASSIGN_OR_RETURN(Stmt model, db_->Prepare(
        "INSERT INTO models (name, created_ms) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING"));
    RETURN_IF_ERROR(model.BindAll(v.model_name, v.created_ms).Run());
    ASSIGN_OR_RETURN(int latest, LatestVersion(
        "SELECT COALESCE(MAX(version), 0) FROM model_versions WHERE model_name = ?1",
        v.model_name));
    v.version = latest + 1;
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "INSERT INTO model_versions (model_name, version, artifact_digest, format, signature, "
        "metrics, lineage, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    return q.BindAll(v.model_name, v.version, v.artifact_digest, v.format, v.signature,
                     v.metrics, v.lineage, v.created_ms).Run();
  }));
  return v;
}

Result<ModelVersionRecord> SqliteStore::GetModelVersion(const std::string& name, int version) {
  ModelVersionRecord out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(Cols(kModelVersionCols,
        "FROM model_versions WHERE model_name = ?1 AND (?2 = 0 OR version = ?2) "
        "ORDER BY version DESC LIMIT 1")));
    q.BindAll(name, version);
    return ReadOne(q, ReadModelVersion, Describe("model", name, version), &out);
  }));
  return out;
}

Result<std::vector<ModelSummary>> SqliteStore::ListModels() {
  std::vector<ModelSummary> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "SELECT m.name, COALESCE(MAX(v.version), 0), COUNT(v.version), m.created_ms "
        "FROM models m LEFT JOIN model_versions v ON v.model_name = m.name "
        "GROUP BY m.name ORDER BY m.name"));
    auto read = [](const Stmt& s, ModelSummary* m) {
      m->name = s.Text(0);
      m->latest_version = static_cast<int>(s.Int(1));
      m->version_count = static_cast<int>(s.Int(2));
      m->created_ms = s.Int(3);
      return Status::Ok();
    };
    return ReadAll(q, read, &out);
  }));
  return out;
}

Result<std::vector<ModelVersionRecord>> SqliteStore::ListModelVersions(const std::string& name) {
  std::vector<ModelVersionRecord> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(Cols(kModelVersionCols,
        "FROM model_versions WHERE model_name = ?1 ORDER BY version")));
    q.BindAll(name);
    return ReadAll(q, ReadModelVersion, &out);
  }));
  return out;
}

// --- services ---

Status SqliteStore::PutService(const ServiceRecord& s) {
  RETURN_IF_ERROR(RequireName("service", s.name));
  return Atomic([&]() -> Status {
    TimeMs now = Now();
    // A replace keeps the first created_ms: the service was created once.
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "INSERT INTO services (name, model_name, model_version, state, host, port, pid, "
        "start_ticks, error, created_ms, updated_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (name) DO UPDATE SET "
        "model_name = excluded.model_name, model_version = excluded.model_version, "
        "state = excluded.state, host = excluded.host, port = excluded.port, "
        "pid = excluded.pid, start_ticks = excluded.start_ticks, error = excluded.error, "
        "updated_ms = excluded.updated_ms"));
    return q.BindAll(s.name, s.model_name, s.model_version, s.state, s.host, s.port, s.pid,
                     s.start_ticks, s.error, s.created_ms ? s.created_ms : now,
                     s.updated_ms ? s.updated_ms : now).Run();
  });
}

Result<ServiceRecord> SqliteStore::GetService(const std::string& name) {
  ServiceRecord out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(Cols(kServiceCols, "FROM services WHERE name = ?1")));
    q.BindAll(name);
    return ReadOne(q, ReadService, "service '" + name + "'", &out);
  }));
  return out;
}

Result<std::vector<ServiceRecord>> SqliteStore::ListServices() {
  std::vector<ServiceRecord> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(Cols(kServiceCols, "FROM services ORDER BY name")));
    return ReadAll(q, ReadService, &out);
  }));
  return out;
}

Status SqliteStore::DeleteService(const std::string& name) {
  return Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare("DELETE FROM services WHERE name = ?1"));
    RETURN_IF_ERROR(q.BindAll(name).Run());
    if (db_->Changes() == 0) return NotFound("service '" + name + "' not found");
    return Status::Ok();
  });
}

}  // namespace tandem::store
