// Events as CSV rows, for exports (GET /api/v1/events/export, `pantau search --csv`). Log content
// is attacker-controlled and CSV files are opened in spreadsheets: cells are quoted per RFC 4180
// and a cell that a spreadsheet would run as a formula (= + - @ tab CR first) gets a leading '.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/csv.h"
#include "store/event_store.h"

namespace pantau {

// The columns when none are asked for.
std::vector<std::string> DefaultCsvColumns();
// "a,b,c" -> columns; InvalidArgument for a name that is not a field name.
Result<std::vector<std::string>> ParseCsvColumns(std::string_view list);

std::string CsvHeader(const std::vector<std::string>& columns);
// One line (with CRLF). Columns are @timestamp, id, dataset, message, raw, or any field.
std::string CsvRow(const StoredEvent& event, const std::vector<std::string>& columns);

}  // namespace pantau
