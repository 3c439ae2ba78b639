// The model library's tags, aliases and stages, and the replicas of services
// (migration 0004).
#include "store/sqlite_store.h"

namespace tandem::store {

bool stage::IsValid(const std::string& s) {
  return s == kNone || s == kStaging || s == kProduction || s == kArchived;
}

namespace {

// Steps through every row of `q`, calling `read` on each.
template <typename ReadRow>
Status ForEachRow(Stmt& q, ReadRow read) {
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return Status::Ok();
    RETURN_IF_ERROR(read(q));
  }
}

constexpr const char* kReplicaCols =
    "service, id, track, model_name, model_version, state, host, port, pid, start_ticks, "
    "restarts, created_ms, updated_ms";
ReplicaRecord ReadReplica(const Stmt& q) {
  ReplicaRecord r;
  r.service = q.Text(0);
  r.id = q.Text(1);
  r.track = q.Text(2);
  r.model_name = q.Text(3);
  r.model_version = static_cast<int>(q.Int(4));
  r.state = q.Text(5);
  r.host = q.Text(6);
  r.port = static_cast<int>(q.Int(7));
  r.pid = static_cast<int>(q.Int(8));
  r.start_ticks = static_cast<uint64_t>(q.Int(9));
  r.restarts = static_cast<int>(q.Int(10));
  r.created_ms = q.Int(11);
  r.updated_ms = q.Int(12);
  return r;
}

// An alias named like a stage carries that stage with it.
bool IsStageAlias(const std::string& alias) {
  return alias == stage::kStaging || alias == stage::kProduction;
}

}  // namespace

Status SqliteStore::RequireModelVersion(const std::string& model, int version) {
  ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
      "SELECT 1 FROM model_versions WHERE model_name = ?1 AND version = ?2"));
  q.BindAll(model, version);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFound("model '" + model + "' has no version " + std::to_string(version));
  return Status::Ok();
}

// --- tags ---

Status SqliteStore::SetModelTag(const ModelTagRecord& tag) {
  if (tag.key.empty()) return InvalidArgument("tag key is empty");
  return Atomic([&]() -> Status {
    RETURN_IF_ERROR(RequireModelVersion(tag.model_name, tag.version));
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "INSERT INTO model_tags (model_name, version, key, value) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (model_name, version, key) DO UPDATE SET value = excluded.value"));
    return q.BindAll(tag.model_name, tag.version, tag.key, tag.value).Run();
  });
}

Status SqliteStore::RemoveModelTag(const std::string& model, int version, const std::string& key) {
  return Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "DELETE FROM model_tags WHERE model_name = ?1 AND version = ?2 AND key = ?3"));
    RETURN_IF_ERROR(q.BindAll(model, version, key).Run());
    if (db_->Changes() == 0) {
      return NotFound("model '" + model + "' version " + std::to_string(version) +
                      " has no tag '" + key + "'");
    }
    return Status::Ok();
  });
}

Result<std::vector<ModelTagRecord>> SqliteStore::ListModelTags(const std::string& model) {
  std::vector<ModelTagRecord> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "SELECT model_name, version, key, value FROM model_tags WHERE model_name = ?1 "
        "ORDER BY version, key"));
    q.BindAll(model);
    return ForEachRow(q, [&](const Stmt& s) {
      out.push_back({s.Text(0), static_cast<int>(s.Int(1)), s.Text(2), s.Text(3)});
      return Status::Ok();
    });
  }));
  return out;
}

// --- aliases and stages ---

Status SqliteStore::SetModelAlias(const std::string& model, const std::string& alias,
                                  int version) {
  if (alias.empty()) return InvalidArgument("alias is empty");
  return Atomic([&]() -> Status {
    RETURN_IF_ERROR(RequireModelVersion(model, version));
    if (IsStageAlias(alias)) {
      // The former holder leaves the stage the alias stands for.
      ASSIGN_OR_RETURN(Stmt demote, db_->Prepare(
          "UPDATE model_versions SET stage = 'none' WHERE model_name = ?1 AND stage = ?2 "
          "AND version != ?3"));
      RETURN_IF_ERROR(demote.BindAll(model, alias, version).Run());
      ASSIGN_OR_RETURN(Stmt promote, db_->Prepare(
          "UPDATE model_versions SET stage = ?3 WHERE model_name = ?1 AND version = ?2"));
      RETURN_IF_ERROR(promote.BindAll(model, version, alias).Run());
    }
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "INSERT INTO model_aliases (model_name, alias, version, updated_ms) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (model_name, alias) DO UPDATE SET "
        "version = excluded.version, updated_ms = excluded.updated_ms"));
    return q.BindAll(model, alias, version, Now()).Run();
  });
}

Status SqliteStore::RemoveModelAlias(const std::string& model, const std::string& alias) {
  return Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "DELETE FROM model_aliases WHERE model_name = ?1 AND alias = ?2 RETURNING version"));
    q.BindAll(model, alias);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFound("model '" + model + "' has no alias '" + alias + "'");
    const int version = static_cast<int>(q.Int(0));
    RETURN_IF_ERROR(q.Run());
    if (!IsStageAlias(alias)) return Status::Ok();
    ASSIGN_OR_RETURN(Stmt demote, db_->Prepare(
        "UPDATE model_versions SET stage = 'none' WHERE model_name = ?1 AND version = ?2 "
        "AND stage = ?3"));
    return demote.BindAll(model, version, alias).Run();
  });
}

Result<std::vector<ModelAliasRecord>> SqliteStore::ListModelAliases(const std::string& model) {
  std::vector<ModelAliasRecord> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "SELECT model_name, alias, version, updated_ms FROM model_aliases "
        "WHERE model_name = ?1 ORDER BY alias"));
    q.BindAll(model);
    return ForEachRow(q, [&](const Stmt& s) {
      out.push_back({s.Text(0), s.Text(1), static_cast<int>(s.Int(2)), s.Int(3)});
      return Status::Ok();
    });
  }));
  return out;
}

Status SqliteStore::SetModelStage(const std::string& model, int version,
                                  const std::string& stage) {
  if (!stage::IsValid(stage)) {
    return InvalidArgument("stage: '" + stage +
                           "' is not one of none, staging, production, archived");
  }
  return Atomic([&]() -> Status {
    RETURN_IF_ERROR(RequireModelVersion(model, version));
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "UPDATE model_versions SET stage = ?3 WHERE model_name = ?1 AND version = ?2"));
    return q.BindAll(model, version, stage).Run();
  });
}

Result<std::map<int, std::string>> SqliteStore::ListModelStages(const std::string& model) {
  std::map<int, std::string> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "SELECT version, stage FROM model_versions WHERE model_name = ?1 ORDER BY version"));
    q.BindAll(model);
    return ForEachRow(q, [&](const Stmt& s) {
      out[static_cast<int>(s.Int(0))] = s.Text(1);
      return Status::Ok();
    });
  }));
  return out;
}

// --- services with replicas ---

Status SqliteStore::PutServiceState(const ServiceRecord& service, const ServiceSpecRecord& spec,
                                    const std::vector<ReplicaRecord>& replicas) {
  return Atomic([&]() -> Status {
    RETURN_IF_ERROR(PutService(service));
    const TimeMs now = Now();
    ASSIGN_OR_RETURN(Stmt s, db_->Prepare(
        "INSERT INTO service_specs (name, replicas, batch_max, batch_delay_us, canary_model, "
        "canary_version, canary_weight, updated_ms, resources, strict_inputs) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
        "ON CONFLICT (name) DO UPDATE SET replicas = excluded.replicas, "
        "batch_max = excluded.batch_max, batch_delay_us = excluded.batch_delay_us, "
        "canary_model = excluded.canary_model, canary_version = excluded.canary_version, "
        "canary_weight = excluded.canary_weight, updated_ms = excluded.updated_ms, "
        "resources = excluded.resources, strict_inputs = excluded.strict_inputs"));
    const Json resources = spec.resources.is_object() ? spec.resources : Json::object();
    RETURN_IF_ERROR(s.BindAll(service.name, spec.replicas, spec.batch_max, spec.batch_delay_us,
                              spec.canary_model, spec.canary_version, spec.canary_weight, now,
                              resources.dump(), spec.strict_inputs ? 1 : 0)
                        .Run());
    ASSIGN_OR_RETURN(Stmt clear, db_->Prepare("DELETE FROM service_replicas WHERE service = ?1"));
    RETURN_IF_ERROR(clear.BindAll(service.name).Run());
    for (const ReplicaRecord& r : replicas) {
      ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
          "INSERT INTO service_replicas (service, id, track, model_name, model_version, state, "
          "host, port, pid, start_ticks, restarts, created_ms, updated_ms) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
      RETURN_IF_ERROR(q.BindAll(service.name, r.id, r.track, r.model_name, r.model_version,
                                r.state, r.host, r.port, r.pid, r.start_ticks, r.restarts,
                                r.created_ms ? r.created_ms : now,
                                r.updated_ms ? r.updated_ms : now)
                          .Run());
    }
    return Status::Ok();
  });
}

Result<ServiceSpecRecord> SqliteStore::GetServiceSpec(const std::string& name) {
  ServiceSpecRecord out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "SELECT name, replicas, batch_max, batch_delay_us, canary_model, canary_version, "
        "canary_weight, updated_ms, resources, strict_inputs FROM service_specs WHERE name = ?1"));
    q.BindAll(name);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFound("service '" + name + "' has no spec");
    out.name = q.Text(0);
    out.replicas = static_cast<int>(q.Int(1));
    out.batch_max = static_cast<int>(q.Int(2));
    out.batch_delay_us = static_cast<int>(q.Int(3));
    out.canary_model = q.Text(4);
    out.canary_version = static_cast<int>(q.Int(5));
    out.canary_weight = static_cast<int>(q.Int(6));
    out.updated_ms = q.Int(7);
    ASSIGN_OR_RETURN(out.resources, ParseJson(q.Text(8), "service_specs.resources"));
    out.strict_inputs = q.Int(9) != 0;
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ReplicaRecord>> SqliteStore::ListReplicas(const std::string& service) {
  std::vector<ReplicaRecord> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(std::string("SELECT ") + kReplicaCols +
                                          " FROM service_replicas WHERE service = ?1 "
                                          "ORDER BY length(id), id"));
    q.BindAll(service);
    return ForEachRow(q, [&](const Stmt& s) {
      out.push_back(ReadReplica(s));
      return Status::Ok();
    });
  }));
  return out;
}

}  // namespace tandem::store
