// A thin RAII layer over the SQLite C API that speaks Status. Only store/sqlite/ sees sqlite3*.
//
// Thread-safety: a Db and its Stmts belong to one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/event.h"
#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pantau::sqlite {

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  Stmt(Stmt&& o) noexcept;
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binds are 1-based, as in SQLite. Text and blobs are copied (SQLITE_TRANSIENT) unless the
  // caller keeps them alive until the next Reset: BindTextRef/BindBlobRef.
  void BindInt(int i, int64_t v);
  void BindDouble(int i, double v);
  void BindText(int i, std::string_view v);
  void BindTextRef(int i, std::string_view v);
  void BindBlobRef(int i, std::string_view v);
  void BindNull(int i);

  // true: a row is ready; false: done. Errors name the statement's SQL.
  Result<bool> Step();
  Status Run();  // Step to completion, expecting no rows
  void Reset();

  int64_t Int(int col) const;
  // The column as a Value: NULL, integer, real or text (a blob is read as text).
  Value ValueAt(int col) const;
  std::string_view Text(int col) const;  // valid until the next Step/Reset
  ValueKind KindAt(int col) const;       // a blob is text
  double Real(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

class Db {
 public:
  Db() = default;
  Db(Db&& o) noexcept : db_(o.db_), path_(std::move(o.path_)), deadline_(std::move(o.deadline_)) {
    o.db_ = nullptr;
  }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  static Result<Db> Open(const std::string& path, bool read_only);

  Status Exec(std::string_view sql);
  // `long_lived`: the statement will be reused many times (SQLite then keeps it out of its
  // lookaside memory).
  Result<Stmt> Prepare(std::string_view sql, bool long_lived = false);
  int64_t LastInsertRowid() const;
  // Makes every statement on this connection fail (SQLITE_INTERRUPT) once `deadline` passes.
  void SetDeadline(std::chrono::steady_clock::time_point deadline);
  // True when the last failure was the deadline.
  bool DeadlinePassed() const;
  // The user_version pragma, used as the schema version.
  Result<int> UserVersion();

  const std::string& path() const { return path_; }
  bool is_open() const { return db_ != nullptr; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  // Heap-held so that the progress handler's pointer stays valid when the Db is moved.
  std::unique_ptr<std::chrono::steady_clock::time_point> deadline_;
};

// Runs `work` (returning Status or Result<T>) in a write transaction (BEGIN IMMEDIATE, which
// takes the write lock before the first read, so that readers-then-writers on other connections
// and processes queue instead of failing with "database is locked") and commits when it
// succeeds, or rolls back.
template <typename F>
auto InWriteTransaction(Db& db, F&& work) -> decltype(work()) {
  RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  auto out = work();
  Status s;
  if constexpr (std::is_same_v<decltype(out), Status>) {
    s = out;
  } else {
    s = out.status();
  }
  if (s.ok()) s = db.Exec("COMMIT");
  if (!s.ok()) {
    (void)db.Exec("ROLLBACK");
    return s;
  }
  return out;
}

// Runs the migrations that `db` has not had yet, each in its own transaction, in order, and
// sets user_version to their count. migrations[i] moves version i to i+1.
Status Migrate(Db& db, const std::vector<std::string_view>& migrations);

}  // namespace pantau::sqlite
