// BaselineStore: the anomaly detectors' learned baselines (AnomalyEngine::Snapshot) kept in
// SQLite, so that a restart keeps them: DATA/anomaly.db, a file of its own.
//
// Why a file of its own and not tables in DATA/pantau.db: the baselines are rewritten in bulk
// every few minutes (megabytes at the caps), which would hold pantau.db's single write lock
// against the alert and case desk for that long; they are a cache of what the events teach and
// can be deleted to relearn, unlike the records in pantau.db; and their schema moves with the
// detectors, not with the desk's migrations. The file has its own migration list (same Migrate,
// same PRAGMA user_version).
//
// Schema: anomaly_baselines(kind, key, state BLOB, saved_at) with (kind, key) unique; `state` is
// baseline.h's little-endian encoding. Write replaces the whole set in one transaction, so a
// crash leaves the previous save.
//
// Thread-safety: a BaselineStore belongs to one thread at a time (its Db does). Take the
// snapshot first (it holds the engine's lock briefly), then Write without it.
#pragma once

#include <string>

#include "core/status.h"
#include "detect/anomaly/anomaly_engine.h"
#include "store/sqlite/db.h"

namespace pantau::anomaly {

class BaselineStore {
 public:
  // Opens (creating and migrating) the database file at `path`, e.g. DATA/anomaly.db.
  static Result<BaselineStore> Open(const std::string& path);

  Status Write(const BaselineSnapshot& snapshot, TimeNs saved_at);
  Result<BaselineSnapshot> Read();

 private:
  explicit BaselineStore(sqlite::Db db) : db_(std::move(db)) {}
  sqlite::Db db_;
};

// Snapshot + Write, and Read + Restore: what the server calls on a timer and on open.
Status SaveBaselines(const AnomalyEngine& engine, BaselineStore& store, TimeNs now);
Status LoadBaselines(BaselineStore& store, AnomalyEngine& engine);

}  // namespace pantau::anomaly
