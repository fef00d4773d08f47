// CSV as spreadsheets write it (RFC 4180): cells separated by commas, or by semicolons when the
// header line has semicolons and no comma (a spreadsheet in an Indonesian locale writes those);
// quoted cells hold separators, quotes ("") and line breaks; CRLF or LF; a UTF-8 byte order mark
// is skipped. Used by the event export and `pantau hunt --csv` (cells) and the registry of
// electronic systems (import and export).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pantau {

struct CsvRecord {
  int64_t line = 0;  // where the record starts in the text, from 1
  std::vector<std::string> cells;
};

// Every record, blank lines left out. InvalidArgument names the line of a quote that is never
// closed or of text after a closing quote; TooLarge past `max_records`.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, size_t max_records);

// Appends `cell` quoted when it needs to be. A cell that a spreadsheet would run as a formula
// (starting with =, +, -, @, tab or CR) is written with a leading apostrophe, which
// UnescapeCsvFormula takes away again on import.
void AppendCsvCell(std::string& out, std::string_view cell);
std::string UnescapeCsvFormula(std::string_view cell);

}  // namespace pantau
