#include "store/sqlite/postings.h"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <string_view>
#include <tuple>

namespace pantau::sqlite {
namespace {

const std::vector<std::string_view> kPostingsMigrations = {
    R"sql(
CREATE TABLE postings(
  col INTEGER NOT NULL,                -- index in kPostedColumns
  value TEXT NOT NULL COLLATE NOCASE,  -- as the compiler compares hot columns
  id INTEGER NOT NULL,                 -- the row in the day's file
  PRIMARY KEY (col, value, id)
) WITHOUT ROWID;
CREATE TABLE watermark(id INTEGER NOT NULL);  -- rows up to this id are posted
INSERT INTO watermark VALUES (0);
)sql"};

// Rows posted per transaction: bounds the memory of one pass (a row posts up to five values).
constexpr int64_t kRowsPerPass = 500'000;

// SQLite's NOCASE: ASCII letters folded, every other byte as is.
int CompareNoCase(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
    const auto y = static_cast<unsigned char>(b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

Result<Db> OpenPostings(const std::string& path, bool read_only) {
  ASSIGN_OR_RETURN(Db db, Db::Open(path, read_only));
  if (!read_only) {
    RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL"));
    // A lost pass is posted again from the watermark, which commits with it.
    RETURN_IF_ERROR(db.Exec("PRAGMA synchronous=NORMAL"));
    RETURN_IF_ERROR(Migrate(db, kPostingsMigrations));
  }
  return db;
}

Result<int64_t> Watermark(Db& db) {
  ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT id FROM watermark"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int(0) : 0;
}

}  // namespace

Status UpdatePostings(Db& events, const std::string& postings_path) {
  ASSIGN_OR_RETURN(Db db, OpenPostings(postings_path, /*read_only=*/false));
  std::string columns = "id";
  for (const char* column : kPostedColumns) columns += std::string(", ") + column;
  ASSIGN_OR_RETURN(Stmt read, events.Prepare("SELECT " + columns +
                                             " FROM events WHERE id > ? ORDER BY id LIMIT ?"));
  ASSIGN_OR_RETURN(Stmt insert, db.Prepare("INSERT INTO postings VALUES (?, ?, ?)"));
  ASSIGN_OR_RETURN(Stmt advance, db.Prepare("UPDATE watermark SET id = ?"));
  struct Posting {
    int col;
    std::string value;
    int64_t id;
  };
  std::vector<Posting> batch;
  while (true) {
    ASSIGN_OR_RETURN(int64_t watermark, Watermark(db));
    read.Reset();
    read.BindInt(1, watermark);
    read.BindInt(2, kRowsPerPass);
    batch.clear();
    int64_t rows = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool row, read.Step());
      if (!row) break;
      ++rows;
      watermark = read.Int(0);
      for (int c = 0; c < static_cast<int>(std::size(kPostedColumns)); ++c) {
        if (read.KindAt(c + 1) == ValueKind::kNull) continue;
        batch.push_back({c, std::string(read.Text(c + 1)), watermark});
      }
    }
    if (rows == 0) return Status::Ok();
    // In key order, so that the inserts walk the tree's pages once.
    std::sort(batch.begin(), batch.end(), [](const Posting& a, const Posting& b) {
      if (a.col != b.col) return a.col < b.col;
      const int c = CompareNoCase(a.value, b.value);
      return c != 0 ? c < 0 : a.id < b.id;
    });
    RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status s;
    for (const Posting& p : batch) {
      insert.Reset();
      insert.BindInt(1, p.col);
      insert.BindTextRef(2, p.value);
      insert.BindInt(3, p.id);
      if (s = insert.Run(); !s.ok()) break;
    }
    if (s.ok()) {
      advance.Reset();
      advance.BindInt(1, watermark);
      s = advance.Run();
    }
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");
      return s;
    }
    RETURN_IF_ERROR(db.Exec("COMMIT"));
    if (rows < kRowsPerPass) return Status::Ok();
  }
}

Result<std::optional<Candidates>> LookUp(
    const std::string& postings_path,
    const std::vector<std::pair<std::string, std::string>>& lookups, size_t max_ids) {
  std::error_code ec;
  if (lookups.empty() || !std::filesystem::exists(postings_path, ec))
    return std::optional<Candidates>();
  ASSIGN_OR_RETURN(Db db, OpenPostings(postings_path, /*read_only=*/true));
  ASSIGN_OR_RETURN(int version, db.UserVersion());
  if (version == 0) return std::optional<Candidates>();  // created, not set up yet
  Candidates best;
  ASSIGN_OR_RETURN(best.watermark, Watermark(db));
  if (best.watermark == 0) return std::optional<Candidates>();
  ASSIGN_OR_RETURN(Stmt find,
                   db.Prepare("SELECT id FROM postings WHERE col = ? AND value = ? LIMIT ?"));
  bool found = false;
  for (const auto& lookup : lookups) {
    // Named, not bound: a lambda may not capture a structured binding in C++20.
    const std::string& column = lookup.first;
    const std::string& value = lookup.second;
    const auto* known = std::find_if(std::begin(kPostedColumns), std::end(kPostedColumns),
                                     [&](const char* c) { return column == c; });
    if (known == std::end(kPostedColumns)) continue;
    const size_t limit = found ? best.ids.size() : max_ids;
    find.Reset();
    find.BindInt(1, known - std::begin(kPostedColumns));
    find.BindText(2, value);
    find.BindInt(3, static_cast<int64_t>(limit) + 1);
    std::vector<int64_t> ids;
    while (true) {
      ASSIGN_OR_RETURN(bool row, find.Step());
      if (!row) break;
      ids.push_back(find.Int(0));
    }
    if (ids.size() > limit) continue;
    best.ids = std::move(ids);
    found = true;
  }
  if (!found) return std::optional<Candidates>();
  return std::optional<Candidates>(std::move(best));
}

}  // namespace pantau::sqlite
