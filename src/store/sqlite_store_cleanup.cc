// Deletes (rows only, each in one transaction, refused while something live uses the row)
// and the reference scan garbage collection marks with.
#include <string_view>

#include "store/sqlite_store.h"
#include "store/states.h"

namespace tandem::store {
namespace {

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// Adds every word of exactly 64 lowercase hex characters in `text`.
void AddDigestsIn(std::string_view text, std::set<std::string>* out) {
  size_t i = 0;
  while (i < text.size()) {
    if (!IsHex(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsHex(text[j])) ++j;
    if (j - i == 64) out->emplace(text.substr(i, 64));
    i = j;
  }
}

// "<column> [NOT] IN (?N, ?N+1, ...)" over the terminal states, bound from parameter `first`.
std::string InTerminal(const char* column, int first, bool in = true) {
  std::string sql = std::string(column) + (in ? " IN (" : " NOT IN (");
  for (size_t i = 0; i < TerminalStates().size(); ++i) {
    sql += (i ? ", ?" : "?") + std::to_string(first + static_cast<int>(i));
  }
  return sql + ")";
}

void BindTerminal(Stmt& q, int first) {
  for (size_t i = 0; i < TerminalStates().size(); ++i) q.Bind(first + static_cast<int>(i), TerminalStates()[i]);
}

}  // namespace

Status SqliteStore::DeleteRun(const std::string& id) {
  return Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(RunRecord run, GetRun(id));
    if (!state::IsTerminal(run.state)) {
      return FailedPrecondition("run '" + id + "' is " + run.state + ": cancel it first");
    }
    ASSIGN_OR_RETURN(Stmt busy, db_->Prepare("SELECT node, state FROM tasks WHERE run_id = ?1 AND state = ?2"));
    busy.BindAll(id, state::kRunning);
    ASSIGN_OR_RETURN(bool running, busy.Step());
    if (running) {
      return FailedPrecondition("run '" + id + "': task '" + busy.Text(0) + "' is still running");
    }
    ASSIGN_OR_RETURN(Stmt tasks, db_->Prepare("DELETE FROM tasks WHERE run_id = ?1"));
    RETURN_IF_ERROR(tasks.BindAll(id).Run());
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare("DELETE FROM runs WHERE id = ?1"));
    return q.BindAll(id).Run();
  });
}

Status SqliteStore::DeleteDataset(const std::string& name, int version) {
  const std::string what = Describe("dataset", name, version);
  return Atomic([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt exists, db_->Prepare(
        "SELECT 1 FROM datasets WHERE name = ?1 AND (?2 = 0 OR version = ?2)"));
    exists.BindAll(name, version);
    ASSIGN_OR_RETURN(bool found, exists.Step());
    if (!found) return NotFound(what + " not found");
    // A run pins its dataset version at submit; while it runs, that version must stay.
    ASSIGN_OR_RETURN(Stmt users, db_->Prepare(
        "SELECT r.id FROM tasks t JOIN runs r ON r.id = t.run_id "
        "WHERE json_extract(t.inputs, '$.dataset.dataset.name') = ?1 "
        "AND (?2 = 0 OR json_extract(t.inputs, '$.dataset.dataset.version') = ?2) AND " +
        InTerminal("r.state", 3, false) + " LIMIT 1"));
    users.BindAll(name, version);
    BindTerminal(users, 3);
    ASSIGN_OR_RETURN(bool used, users.Step());
    if (used) return FailedPrecondition(what + " is read by unfinished run '" + users.Text(0) + "'");
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare("DELETE FROM datasets WHERE name = ?1 AND (?2 = 0 OR version = ?2)"));
    return q.BindAll(name, version).Run();
  });
}

Status SqliteStore::DeleteModelVersion(const std::string& name, int version) {
  const std::string what = "model '" + name + ":" + std::to_string(version) + "'";
  return Atomic([&]() -> Status {
    RETURN_IF_ERROR(RequireModelVersion(name, version));
    // Every way a service names a version: its stable version, its canary, a replica.
    ASSIGN_OR_RETURN(Stmt services, db_->Prepare(
        "SELECT name, state FROM services WHERE model_name = ?1 AND model_version = ?2 "
        "UNION SELECT s.name, s.state FROM service_specs c JOIN services s ON s.name = c.name "
        "  WHERE c.canary_model = ?1 AND c.canary_version = ?2 "
        "UNION SELECT s.name, s.state FROM service_replicas r JOIN services s ON s.name = r.service "
        "  WHERE r.model_name = ?1 AND r.model_version = ?2 LIMIT 1"));
    services.BindAll(name, version);
    ASSIGN_OR_RETURN(bool served, services.Step());
    if (served) {
      return FailedPrecondition(what + " is used by service '" + services.Text(0) + "' (" + services.Text(1) +
                                "): delete or update the service first");
    }
    ASSIGN_OR_RETURN(Stmt aliases, db_->Prepare(
        "SELECT alias FROM model_aliases WHERE model_name = ?1 AND version = ?2 LIMIT 1"));
    aliases.BindAll(name, version);
    ASSIGN_OR_RETURN(bool aliased, aliases.Step());
    if (aliased) {
      return FailedPrecondition(what + " is alias '" + aliases.Text(0) + "': move or remove the alias first");
    }
    ASSIGN_OR_RETURN(Stmt tags, db_->Prepare("DELETE FROM model_tags WHERE model_name = ?1 AND version = ?2"));
    RETURN_IF_ERROR(tags.BindAll(name, version).Run());
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare("DELETE FROM model_versions WHERE model_name = ?1 AND version = ?2"));
    RETURN_IF_ERROR(q.BindAll(name, version).Run());
    ASSIGN_OR_RETURN(Stmt model, db_->Prepare(
        "DELETE FROM models WHERE name = ?1 AND NOT EXISTS "
        "(SELECT 1 FROM model_versions WHERE model_name = ?1)"));
    return model.BindAll(name).Run();
  });
}

Result<std::vector<RunRecord>> SqliteStore::ListRunsFinishedBefore(TimeMs before_ms) {
  std::vector<std::string> ids;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare(
        "SELECT id FROM runs WHERE finished_ms > 0 AND finished_ms < ?1 AND " +
        InTerminal("state", 2) + " ORDER BY finished_ms"));
    q.BindAll(before_ms);
    BindTerminal(q, 2);
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return Status::Ok();
      ids.push_back(q.Text(0));
    }
  }));
  std::vector<RunRecord> out;
  for (const auto& id : ids) {
    auto run = GetRun(id);
    if (run.ok()) out.push_back(std::move(*run));  // a run deleted meanwhile is skipped
  }
  return out;
}

Result<std::vector<ArtifactRecord>> SqliteStore::ListArtifacts() {
  std::vector<std::string> digests;
  RETURN_IF_ERROR(Read([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt q, db_->Prepare("SELECT digest FROM artifacts ORDER BY digest"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return Status::Ok();
      digests.push_back(q.Text(0));
    }
  }));
  std::vector<ArtifactRecord> out;
  for (const auto& d : digests) {
    auto a = GetArtifact(d);
    if (a.ok()) out.push_back(std::move(*a));
  }
  return out;
}

Result<std::set<std::string>> SqliteStore::ReferencedDigests() {
  std::set<std::string> marked;
  RETURN_IF_ERROR(Read([&]() -> Status {
    std::vector<std::string> tables;
    ASSIGN_OR_RETURN(Stmt list, db_->Prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'artifacts' ORDER BY name"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, list.Step());
      if (!row) break;
      tables.push_back(list.Text(0));
    }
    for (const auto& table : tables) {
      // The name comes from sqlite_master, not from a caller.
      ASSIGN_OR_RETURN(Stmt q, db_->Prepare("SELECT * FROM \"" + table + "\""));
      while (true) {
        ASSIGN_OR_RETURN(bool row, q.Step());
        if (!row) break;
        for (int c = 0; c < q.Columns(); ++c) {
          if (q.IsText(c)) AddDigestsIn(q.Text(c), &marked);
        }
      }
    }
    // An artifact's meta may name others (a model's companion files): follow them.
    std::vector<std::string> work(marked.begin(), marked.end());
    while (!work.empty()) {
      const std::string d = std::move(work.back());
      work.pop_back();
      // Prepared each time: a statement is bound again only after its Db reset it.
      ASSIGN_OR_RETURN(Stmt meta, db_->Prepare("SELECT meta FROM artifacts WHERE digest = ?1"));
      meta.BindAll(d);
      ASSIGN_OR_RETURN(bool row, meta.Step());
      std::set<std::string> named;
      if (row) AddDigestsIn(meta.Text(0), &named);
      for (const auto& n : named) {
        if (marked.insert(n).second) work.push_back(n);
      }
    }
    return Status::Ok();
  }));
  return marked;
}

Status SqliteStore::DeleteArtifactRows(const std::vector<std::string>& digests) {
  return Atomic([&]() -> Status {
    for (const auto& d : digests) {
      ASSIGN_OR_RETURN(Stmt q, db_->Prepare("DELETE FROM artifacts WHERE digest = ?1"));
      RETURN_IF_ERROR(q.BindAll(d).Run());
    }
    return Status::Ok();
  });
}

}  // namespace tandem::store
