// Compiles a parsed query into a condition for the SQLite event store: the hot columns where
// the field has one, the fields JSON otherwise, FTS5 for the message. Every value from the query
// becomes a bound parameter; only field names known safe (IsFieldName) shape the SQL, and those
// only inside bound JSON paths.
#pragma once

#include "core/status.h"
#include "query/query.h"
#include "store/event_store.h"

namespace pantau::query {

// InvalidArgument when a term cannot apply (a range on the message, a bad time on @timestamp).
Result<SqlFilter> CompileForSqlite(const Query& query);

}  // namespace pantau::query
