// Runs and their tasks: the state a restarted server carries on from.
#include "store/sqlite_store.h"
#include "store/states.h"

namespace tandem::store {
namespace {

constexpr const char* kRunSelect =
    "SELECT id, pipeline_id, pipeline_name, pipeline_version, state, error, params, "
    "created_ms, started_ms, finished_ms FROM runs ";
Status ReadRun(const Stmt& q, RunRecord* r) {
  r->id = q.Text(0);
  r->pipeline_id = q.Text(1);
  r->pipeline_name = q.Text(2);
  r->pipeline_version = static_cast<int>(q.Int(3));
  r->state = q.Text(4);
  r->error = q.Text(5);
  r->created_ms = q.Int(7);
  r->started_ms = q.Int(8);
  r->finished_ms = q.Int(9);
  return q.JsonAt(6, &r->params);
}

constexpr const char* kTaskSelect =
    "SELECT id, run_id, node, operator_name, operator_version, state, attempt, params, inputs, "
    "outputs, task_dir, pid, start_ticks, exit_code, error, progress, message, started_ms, "
    "finished_ms, cache_key FROM tasks ";
Status ReadTask(const Stmt& q, TaskRecord* t) {
  t->id = q.Text(0);
  t->run_id = q.Text(1);
  t->node = q.Text(2);
  t->operator_name = q.Text(3);
  t->operator_version = static_cast<int>(q.Int(4));
  t->state = q.Text(5);
  t->attempt = static_cast<int>(q.Int(6));
  t->task_dir = q.Text(10);
  t->pid = static_cast<int>(q.Int(11));
  t->start_ticks = static_cast<uint64_t>(q.Int(12));
  t->exit_code = static_cast<int>(q.Int(13));
  t->error = q.Text(14);
  t->progress = q.Double(15);
  t->message = q.Text(16);
  t->started_ms = q.Int(17);
  t->finished_ms = q.Int(18);
  t->cache_key = q.Text(19);
  RETURN_IF_ERROR(q.JsonAt(7, &t->params));
  RETURN_IF_ERROR(q.JsonAt(8, &t->inputs));
  return q.JsonAt(9, &t->outputs);
}

template <typename T>
Status ReadAll(Stmt& q, Status (*read)(const Stmt&, T*), std::vector<T>* out) {
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return Status::Ok();
    T item;
    RETURN_IF_ERROR(read(q, &item));
    out->push_back(std::move(item));
  }
}

// Binds a task's columns as ?1..?20 in kTaskSelect's order.
void BindTask(Stmt& q, const TaskRecord& t) {
  q.BindAll(t.id, t.run_id, t.node, t.operator_name, t.operator_version, t.state, t.attempt,
            t.params, t.inputs, t.outputs, t.task_dir, t.pid, t.start_ticks, t.exit_code,
            t.error, t.progress, t.message, t.started_ms, t.finished_ms, t.cache_key);
}

}  // namespace

Status SqliteStore::CreateRun(const RunRecord& run, const std::vector<TaskRecord>& tasks) {
  if (run.id.empty()) return InvalidArgument("run id is empty");
  return Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "INSERT INTO runs (id, pipeline_id, pipeline_name, pipeline_version, state, error, "
        "params, created_ms, started_ms, finished_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
    RETURN_IF_ERROR(q.BindAll(run.id, run.pipeline_id, run.pipeline_name, run.pipeline_version,
                              run.state, run.error, run.params,
                              run.created_ms ? run.created_ms : Now(), run.started_ms,
                              run.finished_ms).Run());
    for (const TaskRecord& given : tasks) {
      TaskRecord t = given;
      if (t.id.empty()) return InvalidArgument("run '" + run.id + "': a task has no id");
      if (t.run_id.empty()) t.run_id = run.id;
      if (t.run_id != run.id) {
        return InvalidArgument("task '" + t.id + "' belongs to run '" + t.run_id +
                               "', not to run '" + run.id + "'");
      }
      ASSIGN_OR_RETURN(Stmt ins, db_->Prepare(
          "INSERT INTO tasks (id, run_id, node, operator_name, operator_version, state, "
          "attempt, params, inputs, outputs, task_dir, pid, start_ticks, exit_code, error, "
          "progress, message, started_ms, finished_ms, cache_key) VALUES (?1, ?2, ?3, ?4, ?5, "
          "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"));
      BindTask(ins, t);
      RETURN_IF_ERROR(ins.Run());
    }
    return Status::Ok();
  });
}

Status SqliteStore::UpdateRun(const RunRecord& run) {
  return Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "UPDATE runs SET pipeline_id = ?2, pipeline_name = ?3, pipeline_version = ?4, "
        "state = ?5, error = ?6, params = ?7, started_ms = ?8, finished_ms = ?9 WHERE id = ?1"));
    RETURN_IF_ERROR(q.BindAll(run.id, run.pipeline_id, run.pipeline_name, run.pipeline_version,
                              run.state, run.error, run.params, run.started_ms,
                              run.finished_ms).Run());
    if (db_->Changes() == 0) return NotFound("run '" + run.id + "' not found");
    return Status::Ok();
  });
}

Result<RunRecord> SqliteStore::GetRun(const std::string& id) {
  RunRecord out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(std::string(kRunSelect) + "WHERE id = ?1"));
    q.BindAll(id);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFound("run '" + id + "' not found");
    return ReadRun(q, &out);
  }));
  return out;
}

Result<std::vector<RunRecord>> SqliteStore::ListRuns(const RunFilter& filter) {
  std::vector<RunRecord> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(std::string(kRunSelect) +
        "WHERE (?1 = '' OR pipeline_name = ?1) AND (?2 = '' OR state = ?2) "
        "ORDER BY created_ms DESC, id DESC LIMIT ?3"));
    // limit <= 0 means no limit (SQLite reads a negative LIMIT as none).
    q.BindAll(filter.pipeline_name, filter.state, filter.limit > 0 ? filter.limit : -1);
    return ReadAll(q, ReadRun, &out);
  }));
  return out;
}

Result<std::vector<RunRecord>> SqliteStore::ListUnfinishedRuns() {
  std::vector<RunRecord> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(std::string(kRunSelect) +
        "WHERE state NOT IN (?1, ?2, ?3, ?4, ?5) ORDER BY created_ms, id"));
    const auto& terminal = TerminalStates();
    for (size_t i = 0; i < terminal.size(); ++i) q.Bind(static_cast<int>(i + 1), terminal[i]);
    return ReadAll(q, ReadRun, &out);
  }));
  return out;
}

Status SqliteStore::UpdateTask(const TaskRecord& task) {
  return Atomic([&]() -> Status {
    // Every column but id and run_id: a task never moves to another run.
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "UPDATE tasks SET node = ?3, operator_name = ?4, operator_version = ?5, state = ?6, "
        "attempt = ?7, params = ?8, inputs = ?9, outputs = ?10, task_dir = ?11, pid = ?12, "
        "start_ticks = ?13, exit_code = ?14, error = ?15, progress = ?16, message = ?17, "
        "started_ms = ?18, finished_ms = ?19, cache_key = ?20 "
        "WHERE id = ?1 AND (?2 = '' OR run_id = ?2)"));
    BindTask(q, task);
    RETURN_IF_ERROR(q.Run());
    if (db_->Changes() == 0) return NotFound("task '" + task.id + "' not found");
    return Status::Ok();
  });
}

Result<TaskRecord> SqliteStore::GetTask(const std::string& id) {
  TaskRecord out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(std::string(kTaskSelect) + "WHERE id = ?1"));
    q.BindAll(id);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFound("task '" + id + "' not found");
    return ReadTask(q, &out);
  }));
  return out;
}

Result<std::optional<TaskRecord>> SqliteStore::FindCachedTask(const std::string& key) {
  std::optional<TaskRecord> out;
  if (key.empty()) return out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(std::string(kTaskSelect) +
        "WHERE cache_key = ?1 AND state = 'succeeded' ORDER BY finished_ms DESC, rowid DESC "
        "LIMIT 1"));
    q.BindAll(key);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return Status::Ok();
    TaskRecord t;
    RETURN_IF_ERROR(ReadTask(q, &t));
    out = std::move(t);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<TaskRecord>> SqliteStore::ListTasks(const std::string& run_id) {
  std::vector<TaskRecord> out;
  RETURN_IF_ERROR(Read([&]() -> Status {
    // rowid order = the order CreateRun was given them (the pipeline's node order).
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(std::string(kTaskSelect) +
        "WHERE run_id = ?1 ORDER BY rowid"));
    q.BindAll(run_id);
    return ReadAll(q, ReadTask, &out);
  }));
  return out;
}

}  // namespace tandem::store
