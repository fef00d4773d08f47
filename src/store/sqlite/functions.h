// SQL functions Pantau adds to its SQLite connections (schema.h names them).
#pragma once

struct sqlite3;

namespace pantau::sqlite {

// Adds pantau_cidr(); returns an SQLite result code.
int RegisterFunctions(sqlite3* db);

}  // namespace pantau::sqlite
