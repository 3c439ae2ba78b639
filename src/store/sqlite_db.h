#pragma once
// A thin RAII layer over the SQLite C API, private to the store: one connection, prepared
// statements with bound parameters (values never become SQL text), savepoints.
// Not thread-safe: SqliteStore serialises every call with its own mutex.
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace tandem::store {

class Db;

// A prepared statement borrowed from its Db's cache; returned (reset, unbound) when
// destroyed. Bind errors are remembered and reported by the next Step().
class Stmt {
 public:
  Stmt(Db* db, std::string sql, sqlite3_stmt* stmt) : db_(db), sql_(std::move(sql)), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  // Parameters are 1-based, in the order of the ?NNN in the SQL.
  Stmt& Bind(int index, std::string_view text);
  Stmt& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Stmt& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Stmt& Bind(int index, int64_t value);
  Stmt& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Stmt& Bind(int index, uint64_t value) { return Bind(index, static_cast<int64_t>(value)); }
  Stmt& Bind(int index, double value);
  Stmt& Bind(int index, const Json& doc);  // stored as compact TEXT

  // Binds every argument in order, from parameter 1.
  template <typename... Args>
  Stmt& BindAll(const Args&... args) {
    int i = 0;
    (Bind(++i, args), ...);
    return *this;
  }

  // true when a row is ready, false when done.
  Result<bool> Step();
  // Steps to the end, for statements that return no rows.
  Status Run();

  std::string Text(int col) const;
  int Columns() const;      // columns of the current row
  bool IsText(int col) const;
  int64_t Int(int col) const;
  double Double(int col) const;
  // kInternal naming the column when the stored text is not JSON.
  Status JsonAt(int col, Json* out) const;

 private:
  Db* db_;
  std::string sql_;
  sqlite3_stmt* stmt_;
  Status bind_error_;
};

class Db {
 public:
  // Opens or creates the database file; sets WAL, synchronous=FULL, foreign keys and
  // a busy timeout. The connection is used by one thread at a time.
  static Result<std::unique_ptr<Db>> Open(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs SQL without parameters: pragmas, DDL, savepoints. Never for user values.
  Status Exec(const std::string& sql);
  // Prepares (or reuses a cached copy of) one statement.
  Result<Stmt> Prepare(const std::string& sql);
  // Runs fn inside SAVEPOINT ... RELEASE; rolls back to the savepoint when fn fails
  // (or throws). The outermost savepoint is a transaction: its RELEASE commits.
  Status InSavepoint(const std::function<Status()>& fn);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int Changes() const;
  // "<sqlite message> (<what>)" for error reports.
  Status Error(std::string_view what) const;
  const std::string& path() const { return path_; }

 private:
  friend class Stmt;
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  void Return(std::string sql, sqlite3_stmt* stmt);

  sqlite3* db_;
  std::string path_;
  // Idle prepared statements by SQL text; a statement in use is out of the pool, so
  // nested use of the same SQL prepares a second copy instead of clobbering the first.
  std::map<std::string, std::vector<sqlite3_stmt*>> idle_;
};

}  // namespace tandem::store
