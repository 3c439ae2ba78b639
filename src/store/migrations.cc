#include "store/migrations.h"

#include <set>

#include "store/migrations_embedded.h"
#include "store/sqlite_db.h"

namespace tandem::store {

std::vector<EmbeddedMigration> BuiltinMigrations() {
  return {std::begin(kEmbeddedMigrations), std::end(kEmbeddedMigrations)};
}

Status ApplyMigrations(Db& db, const std::vector<EmbeddedMigration>& migrations,
                       int64_t now_ms) {
  return db.InSavepoint([&]() -> Status {
    RETURN_IF_ERROR(db.Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)"));
    std::set<int64_t> applied;
    {
      ASSIGN_OR_RETURN(Stmt q, db.Prepare("SELECT number FROM schema_migrations"));
      while (true) {
        ASSIGN_OR_RETURN(bool row, q.Step());
        if (!row) break;
        applied.insert(q.Int(0));
      }
    }
    std::set<int64_t> known;
    int last = 0;
    for (const EmbeddedMigration& m : migrations) {
      if (m.number <= last) {
        return Internal(std::string("migration ") + m.name + " is out of order");
      }
      last = m.number;
      known.insert(m.number);
    }
    for (int64_t n : applied) {
      if (!known.count(n)) {
        return FailedPrecondition("database '" + db.path() + "' has schema migration " +
                                  std::to_string(n) +
                                  ", unknown to this binary (written by a newer Tandem?)");
      }
    }
    for (const EmbeddedMigration& m : migrations) {
      if (applied.count(m.number)) continue;
      Status st = db.Exec(m.sql);
      if (!st.ok()) return st.WithContext(std::string("migration ") + m.name);
      ASSIGN_OR_RETURN(Stmt ins, db.Prepare("INSERT INTO schema_migrations "
                                            "(number, name, applied_ms) VALUES (?1, ?2, ?3)"));
      RETURN_IF_ERROR(ins.BindAll(m.number, m.name, now_ms).Run());
    }
    return Status::Ok();
  });
}

}  // namespace tandem::store
