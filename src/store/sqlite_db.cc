#include "store/sqlite_db.h"

#include <exception>

namespace tandem::store {

Stmt::Stmt(Stmt&& other) noexcept
    : db_(other.db_), sql_(std::move(other.sql_)), stmt_(other.stmt_),
      bind_error_(std::move(other.bind_error_)) {
  other.stmt_ = nullptr;
}

Stmt::~Stmt() {
  if (stmt_ != nullptr) db_->Return(std::move(sql_), stmt_);
}

namespace {
Status BindResult(sqlite3_stmt* stmt, int rc, int index) {
  if (rc == SQLITE_OK) return Status::Ok();
  return Internal("cannot bind parameter " + std::to_string(index) + " of '" +
                  sqlite3_sql(stmt) + "': " + sqlite3_errstr(rc));
}
}  // namespace

Stmt& Stmt::Bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (bind_error_.ok()) bind_error_ = BindResult(stmt_, rc, index);
  return *this;
}

Stmt& Stmt::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_error_.ok()) bind_error_ = BindResult(stmt_, rc, index);
  return *this;
}

Stmt& Stmt::Bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (bind_error_.ok()) bind_error_ = BindResult(stmt_, rc, index);
  return *this;
}

Stmt& Stmt::Bind(int index, const Json& doc) {
  // DumpJson, which replaces invalid UTF-8: a stored document must never abort a write.
  return Bind(index, DumpJson(doc));
}

Result<bool> Stmt::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(sqlite3_sql(stmt_));
}

Status Stmt::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

int Stmt::Columns() const { return sqlite3_column_count(stmt_); }

bool Stmt::IsText(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_TEXT; }

std::string Stmt::Text(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

double Stmt::Double(int col) const { return sqlite3_column_double(stmt_, col); }

Status Stmt::JsonAt(int col, Json* out) const {
  std::string text = Text(col);
  if (text.empty()) {
    *out = Json::object();
    return Status::Ok();
  }
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Internal(std::string("stored column '") + sqlite3_column_name(stmt_, col) +
                    "' is not valid JSON");
  }
  *out = std::move(doc);
  return Status::Ok();
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return IoError("cannot open database '" + path + "': " + msg);
  }
  std::unique_ptr<Db> db(new Db(raw, path));
  sqlite3_extended_result_codes(raw, 1);
  // busy_timeout first: the WAL switch itself may wait for another process.
  sqlite3_busy_timeout(raw, 5000);
  RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  // FULL fsyncs the WAL at every commit: a committed write survives kill -9 and power loss.
  RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
  RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  return db;
}

Db::~Db() {
  for (auto& [sql, stmts] : idle_) {
    for (sqlite3_stmt* s : stmts) sqlite3_finalize(s);
  }
  sqlite3_close_v2(db_);
}

Status Db::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return Internal("database '" + path_ + "': " + msg + " (in: " + sql.substr(0, 80) + ")");
}

Result<Stmt> Db::Prepare(const std::string& sql) {
  auto it = idle_.find(sql);
  if (it != idle_.end() && !it->second.empty()) {
    sqlite3_stmt* s = it->second.back();
    it->second.pop_back();
    return Stmt(this, sql, s);
  }
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return Error(sql);
  return Stmt(this, sql, s);
}

void Db::Return(std::string sql, sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  idle_[std::move(sql)].push_back(stmt);
}

Status Db::InSavepoint(const std::function<Status()>& fn) {
  RETURN_IF_ERROR(Exec("SAVEPOINT tandem"));
  Status st;
  try {
    st = fn();
  } catch (const std::exception& e) {
    // Nothing may escape the module; a throwing callback rolls back like a failing one.
    st = Internal(std::string("transaction aborted by an exception: ") + e.what());
  }
  if (st.ok()) {
    st = Exec("RELEASE tandem");
    if (st.ok()) return st;
  }
  // ROLLBACK TO undoes the writes but keeps the savepoint open; RELEASE then closes it
  // (committing nothing when it was the outermost).
  Status undo = Exec("ROLLBACK TO tandem");
  Status close = Exec("RELEASE tandem");
  if (!undo.ok()) return st.WithContext(undo.message());
  (void)close;
  return st;
}

int Db::Changes() const { return sqlite3_changes(db_); }

Status Db::Error(std::string_view what) const {
  int code = sqlite3_extended_errcode(db_);
  std::string msg = "database '" + path_ + "': " + sqlite3_errmsg(db_) + " (in: " +
                    std::string(what.substr(0, 120)) + ")";
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return AlreadyExists(msg);
  }
  if (code == SQLITE_CONSTRAINT_FOREIGNKEY) return FailedPrecondition(msg);
  if ((code & 0xff) == SQLITE_CONSTRAINT) return InvalidArgument(msg);
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) return Unavailable(msg);
  if ((code & 0xff) == SQLITE_IOERR || (code & 0xff) == SQLITE_FULL) return IoError(msg);
  return Internal(msg);
}

}  // namespace tandem::store
