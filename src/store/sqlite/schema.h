// What a query compiler needs to know of the SQLite event table (see sqlite_event_store.cc):
// the table is aliased `e`, the full-text table is events_text, and these expressions.
#pragma once

#include <optional>
#include <string_view>

namespace pantau::sqlite {

// Columns of `e` (events) are cheap to read; those of `b` (bodies: raw, message, fields, error)
// are kilobytes a row. A condition that uses `b` must say so (SqlFilter::needs_body).

// The message, whichever way it is stored (see EventRow), as text: both columns are blobs, and
// LIKE never matches a blob.
inline constexpr std::string_view kMessageSql =
    "CAST((CASE WHEN b.message_at IS NULL THEN b.message ELSE substr(b.raw, b.message_at + 1) END)"
    " AS TEXT)";
// A field from the fields JSON, its path bound as the parameter.
inline constexpr std::string_view kJsonFieldSql = "json_extract(b.fields, ?)";

// The column that holds `field`, for the fields that have one: the event time (ns), the dataset
// and the hot fields. Others are read from the fields JSON.
std::optional<std::string_view> ColumnFor(std::string_view field);

// SQL function pantau_cidr(ip_text, "network/bits"): 1 when the IPv4 or IPv6 address lies in the
// network, else 0 (also for NULL or text that is not an address). Registered on every
// connection the store opens.
inline constexpr std::string_view kCidrFunction = "pantau_cidr";

}  // namespace pantau::sqlite
