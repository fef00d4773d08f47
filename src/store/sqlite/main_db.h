// DATA/pantau.db: the database of everything that is not an event (API keys, alerts, and later
// users, cases, the registry). One list of migrations for the whole file, so that subsystems
// that share it agree on its version.
//
// Thread-safety: each call opens a connection of its own.
#pragma once

#include <string>

#include "core/status.h"
#include "store/sqlite/db.h"

namespace pantau::sqlite {

// Opens DATA_DIR/pantau.db (creating the directory), in WAL mode, migrated to the latest schema.
Result<Db> OpenMainDb(const std::string& data_dir);

}  // namespace pantau::sqlite
