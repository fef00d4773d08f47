// Numbers of official documents (naskah dinas): a pattern such as the default
// "{class}-{seq}/{unit}/{code}/{month:02}/{year}" (B-246/DISKOMINFO/000.6/07/2025) filled from a
// yearly sequence per unit. The sequence lives in pantau.db and is taken inside the caller's
// write transaction, so two documents finalised at once never get the same number, and a number
// once taken is never given again (a rolled-back transaction gives its number back unused).
//
// Thread-safety: pure functions, and functions over a connection the caller holds inside a
// write transaction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/sqlite/db.h"

namespace pantau::docs {

struct NumberParts {
  std::string classification;  // B, T, R, SR
  int64_t seq = 0;
  std::string unit;
  std::string code;  // archive classification code, e.g. 000.6
  int month = 1;     // 1..12
  int year = 2026;
};

// Checks a pattern: placeholders {class} {seq} {unit} {code} {month} {year}, each optionally with
// a zero-padded width ({seq:04}); {seq} must be there. The error names the column.
Status CheckNumberPattern(std::string_view pattern);

// REQUIRES: CheckNumberPattern(pattern) is ok.
std::string FormatNumber(std::string_view pattern, const NumberParts& parts);

// The next number of `unit`'s sequence for `year` (1, 2, 3, ...), taken for good.
// REQUIRES: the caller is inside a write transaction on `db`.
Result<int64_t> TakeSequenceNumber(sqlite::Db& db, std::string_view unit, int year);

}  // namespace pantau::docs
