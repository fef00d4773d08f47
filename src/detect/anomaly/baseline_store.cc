#include "detect/anomaly/baseline_store.h"

#include <string_view>
#include <utility>
#include <vector>

namespace pantau::anomaly {
namespace {

// Migration i moves the schema from version i to i+1. Append only.
const std::vector<std::string_view> kMigrations = {
    R"sql(
CREATE TABLE anomaly_baselines(
  kind TEXT NOT NULL,       -- meta, known (known values of a source or entity), series
  key TEXT NOT NULL,        -- the Anomaly key: new_template|web1, volume|web1|outcome=failure
  state BLOB NOT NULL,      -- src/detect/anomaly/baseline.h's encoding
  saved_at INTEGER NOT NULL,  -- ns
  PRIMARY KEY(kind, key)
);
)sql",
};

}  // namespace

Result<BaselineStore> BaselineStore::Open(const std::string& path) {
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::Db::Open(path, false));
  RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(sqlite::Migrate(db, kMigrations));
  return BaselineStore(std::move(db));
}

Status BaselineStore::Write(const BaselineSnapshot& snapshot, TimeNs saved_at) {
  return sqlite::InWriteTransaction(db_, [&]() -> Status {
    RETURN_IF_ERROR(db_.Exec("DELETE FROM anomaly_baselines"));
    ASSIGN_OR_RETURN(sqlite::Stmt insert,
                     db_.Prepare("INSERT INTO anomaly_baselines(kind, key, state, saved_at) "
                                 "VALUES(?1, ?2, ?3, ?4)"));
    for (const BaselineRow& row : snapshot.rows) {
      insert.BindTextRef(1, row.kind);
      insert.BindTextRef(2, row.key);
      insert.BindBlobRef(3, row.state);
      insert.BindInt(4, saved_at);
      RETURN_IF_ERROR(insert.Run());
      insert.Reset();
    }
    return Status::Ok();
  });
}

Result<BaselineSnapshot> BaselineStore::Read() {
  ASSIGN_OR_RETURN(sqlite::Stmt select,
                   db_.Prepare("SELECT kind, key, state FROM anomaly_baselines"));
  BaselineSnapshot snapshot;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    snapshot.rows.push_back(BaselineRow{std::string(select.Text(0)), std::string(select.Text(1)),
                                        std::string(select.Text(2))});
  }
  return snapshot;
}

Status SaveBaselines(const AnomalyEngine& engine, BaselineStore& store, TimeNs now) {
  return store.Write(engine.Snapshot(), now);
}

Status LoadBaselines(BaselineStore& store, AnomalyEngine& engine) {
  ASSIGN_OR_RETURN(BaselineSnapshot snapshot, store.Read());
  return engine.Restore(snapshot);
}

}  // namespace pantau::anomaly
