// Schedules (cron and event triggers), run origins and retry times (migration 0005).
#include "store/sqlite_store.h"

namespace tandem::store {
namespace {

constexpr const char* kScheduleSelect =
    "SELECT name, pipeline_yaml, pipeline_name, cron, event, params, paused, last_fired_ms, "
    "last_run_id, created_ms FROM schedules ";
Status ReadSchedule(const Stmt& q, ScheduleRecord* s) {
  s->name = q.Text(0);
  s->pipeline_yaml = q.Text(1);
  s->pipeline_name = q.Text(2);
  s->cron = q.Text(3);
  s->event = q.Text(4);
  s->paused = q.Int(6) != 0;
  s->last_fired_ms = q.Int(7);
  s->last_run_id = q.Text(8);
  s->created_ms = q.Int(9);
  return q.JsonAt(5, &s->params);
}

}  // namespace

Status SqliteStore::PutSchedule(const ScheduleRecord& s) {
  if (s.name.empty()) return InvalidArgument("schedule name is empty");
  return Atomic([&]() -> Status {
    // An upsert, not INSERT OR REPLACE: the first created_ms stays.
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "INSERT INTO schedules (name, pipeline_yaml, pipeline_name, cron, event, params, paused, "
        "last_fired_ms, last_run_id, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
        "ON CONFLICT (name) DO UPDATE SET pipeline_yaml = ?2, pipeline_name = ?3, cron = ?4, "
        "event = ?5, params = ?6, paused = ?7, last_fired_ms = ?8, last_run_id = ?9"));
    return q.BindAll(s.name, s.pipeline_yaml, s.pipeline_name, s.cron, s.event, s.params,
                     s.paused ? 1 : 0, s.last_fired_ms, s.last_run_id,
                     s.created_ms ? s.created_ms : Now()).Run();
  });
}

Result<ScheduleRecord> SqliteStore::GetSchedule(const std::string& name) {
  ScheduleRecord out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(std::string(kScheduleSelect) + "WHERE name = ?1"));
    q.BindAll(name);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFound("schedule '" + name + "' not found");
    return ReadSchedule(q, &out);
  }));
  return out;
}

Result<std::vector<ScheduleRecord>> SqliteStore::ListSchedules() {
  std::vector<ScheduleRecord> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(std::string(kScheduleSelect) + "ORDER BY name"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return Status::Ok();
      ScheduleRecord s;
      RETURN_IF_ERROR(ReadSchedule(q, &s));
      out.push_back(std::move(s));
    }
  }));
  return out;
}

Status SqliteStore::DeleteSchedule(const std::string& name) {
  return Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare("DELETE FROM schedules WHERE name = ?1"));
    RETURN_IF_ERROR(q.BindAll(name).Run());
    if (db_->Changes() == 0) return NotFound("schedule '" + name + "' not found");
    return Status::Ok();
  });
}

Status SqliteStore::SetRunOrigin(const std::string& run_id, const RunOrigin& origin) {
  return Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare("UPDATE runs SET origin = ?2, no_cache = ?3 WHERE id = ?1"));
    RETURN_IF_ERROR(q.BindAll(run_id, origin.trigger, origin.no_cache ? 1 : 0).Run());
    if (db_->Changes() == 0) return NotFound("run '" + run_id + "' not found");
    return Status::Ok();
  });
}

Result<RunOrigin> SqliteStore::GetRunOrigin(const std::string& run_id) {
  RunOrigin out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare("SELECT origin, no_cache FROM runs WHERE id = ?1"));
    q.BindAll(run_id);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFound("run '" + run_id + "' not found");
    out.trigger = q.Text(0);
    out.no_cache = q.Int(1) != 0;
    return Status::Ok();
  }));
  return out;
}

Status SqliteStore::SetTaskNotBefore(const std::string& task_id, TimeMs not_before_ms) {
  return Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare("UPDATE tasks SET not_before_ms = ?2 WHERE id = ?1"));
    RETURN_IF_ERROR(q.BindAll(task_id, not_before_ms).Run());
    if (db_->Changes() == 0) return NotFound("task '" + task_id + "' not found");
    return Status::Ok();
  });
}

Result<std::map<std::string, TimeMs>> SqliteStore::ListTaskNotBefore(const std::string& run_id) {
  std::map<std::string, TimeMs> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "SELECT id, not_before_ms FROM tasks WHERE run_id = ?1 AND not_before_ms > 0"));
    q.BindAll(run_id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return Status::Ok();
      out[q.Text(0)] = q.Int(1);
    }
  }));
  return out;
}

}  // namespace tandem::store
