#include "store/sqlite/db.h"

#include <sqlite3.h>

#include "store/sqlite/functions.h"

namespace pantau::sqlite {

Stmt::Stmt(Stmt&& o) noexcept : stmt_(o.stmt_), db_(o.db_) { o.stmt_ = nullptr; }

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    db_ = o.db_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

void Stmt::BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
void Stmt::BindDouble(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
void Stmt::BindText(int i, std::string_view v) {
  sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Stmt::BindTextRef(int i, std::string_view v) {
  sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
}
void Stmt::BindBlobRef(int i, std::string_view v) {
  sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_STATIC);
}
void Stmt::BindNull(int i) { sqlite3_bind_null(stmt_, i); }

Result<bool> Stmt::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status error =
      Internal(std::string("sqlite: ") + sqlite3_errmsg(db_) + " in: " + sqlite3_sql(stmt_));
  // A failed statement keeps its bindings (pointers into the caller's data) and its halted
  // state: reset both, so that the next use starts clean.
  Reset();
  return error;
}

Status Stmt::Run() {
  ASSIGN_OR_RETURN(bool row, Step());
  (void)row;
  Reset();
  return Status::Ok();
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Stmt::Real(int col) const { return sqlite3_column_double(stmt_, col); }

ValueKind Stmt::KindAt(int col) const {
  switch (sqlite3_column_type(stmt_, col)) {
    case SQLITE_NULL:
      return ValueKind::kNull;
    case SQLITE_INTEGER:
      return ValueKind::kInt;
    case SQLITE_FLOAT:
      return ValueKind::kReal;
    default:
      return ValueKind::kText;
  }
}

Value Stmt::ValueAt(int col) const {
  switch (sqlite3_column_type(stmt_, col)) {
    case SQLITE_NULL:
      return Value{};
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt_, col));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt_, col);
    default:
      return std::string(Text(col));
  }
}
std::string_view Stmt::Text(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string_view(p, n) : std::string_view();
}

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = o.db_;
    path_ = std::move(o.path_);
    deadline_ = std::move(o.deadline_);
    o.db_ = nullptr;
  }
  return *this;
}

Db::~Db() { sqlite3_close_v2(db_); }

Result<Db> Db::Open(const std::string& path, bool read_only) {
  Db db;
  db.path_ = path;
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(path.c_str(), &db.db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db.db_ ? sqlite3_errmsg(db.db_) : sqlite3_errstr(rc);
    return Internal("cannot open database " + path + ": " + why);
  }
  sqlite3_busy_timeout(db.db_, 60'000);
  if (RegisterFunctions(db.db_) != SQLITE_OK) {
    return Internal("cannot register SQL functions on " + path + ": " + sqlite3_errmsg(db.db_));
  }
  sqlite3_extended_result_codes(db.db_, 1);
  return db;
}

Status Db::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    return Internal("sqlite: " + why + " in " + path_ + ": " + text.substr(0, 120));
  }
  return Status::Ok();
}

Result<Stmt> Db::Prepare(std::string_view sql, bool long_lived) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                         long_lived ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr) != SQLITE_OK) {
    return Internal(std::string("sqlite: ") + sqlite3_errmsg(db_) +
                    " preparing: " + std::string(sql.substr(0, 120)));
  }
  return Stmt(stmt, db_);
}

int64_t Db::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

void Db::SetDeadline(std::chrono::steady_clock::time_point deadline) {
  deadline_ = std::make_unique<std::chrono::steady_clock::time_point>(deadline);
  // Called every few thousand virtual machine steps: cheap, and prompt enough.
  sqlite3_progress_handler(
      db_, 10'000,
      [](void* arg) -> int {
        const auto* d = static_cast<const std::chrono::steady_clock::time_point*>(arg);
        return std::chrono::steady_clock::now() > *d ? 1 : 0;
      },
      deadline_.get());
}

bool Db::DeadlinePassed() const {
  return deadline_ && std::chrono::steady_clock::now() > *deadline_;
}

Result<int> Db::UserVersion() {
  ASSIGN_OR_RETURN(Stmt s, Prepare("PRAGMA user_version"));
  ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? static_cast<int>(s.Int(0)) : 0;
}

Status Migrate(Db& db, const std::vector<std::string_view>& migrations) {
  ASSIGN_OR_RETURN(int version, db.UserVersion());
  if (version > static_cast<int>(migrations.size())) {
    return FailedPrecondition(db.path() + " has schema version " + std::to_string(version) +
                              ", newer than this pantau knows (" +
                              std::to_string(migrations.size()) + "); upgrade pantau");
  }
  for (size_t v = version; v < migrations.size(); ++v) {
    RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status s = db.Exec(migrations[v]);
    if (s.ok()) s = db.Exec("PRAGMA user_version = " + std::to_string(v + 1));
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");
      return s;
    }
    RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return Status::Ok();
}

}  // namespace pantau::sqlite
