// Opening the SQLite store, and the transaction plumbing every method shares.
#include "store/sqlite_store.h"

#include "store/migrations.h"

namespace tandem::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path));
  RETURN_IF_ERROR(ApplyMigrations(*db, BuiltinMigrations(), clock.NowMs()));
  return std::unique_ptr<Store>(new SqliteStore(std::move(db), clock));
}

Status SqliteStore::Atomic(const std::function<Status()>& fn) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return db_->InSavepoint(fn);
}

Status SqliteStore::Read(const std::function<Status()>& fn) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return fn();
}

Status SqliteStore::Transaction(const std::function<Status()>& fn) { return Atomic(fn); }

Result<int> SqliteStore::LatestVersion(const char* sql, const std::string& name) {
  ASSIGN_OR_RETURN(Stmt q, db_->Prepare(sql));
  q.BindAll(name);
  ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? static_cast<int>(q.Int(0)) : 0;
}

std::string Describe(const char* what, const std::string& name, int version) {
  std::string out = std::string(what) + " '" + name + "'";
  if (version > 0) out += " version " + std::to_string(version);
  return out;
}

}  // namespace tandem::store
