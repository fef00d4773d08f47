#include "api/export.h"

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "query/parser.h"

namespace pantau {

std::vector<std::string> DefaultCsvColumns() {
  return {"@timestamp",     "id",        "dataset",      "host.name",     "source.ip",
          "destination.ip", "user.name", "event.action", "event.outcome", "message"};
}

Result<std::vector<std::string>> ParseCsvColumns(std::string_view list) {
  std::vector<std::string> columns;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    if (!query::IsFieldName(name)) {
      return InvalidArgument("fields: '" + std::string(name.substr(0, 64)) +
                             "' is not a field name");
    }
    columns.emplace_back(name);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (columns.empty()) return DefaultCsvColumns();
  return columns;
}

std::string CsvHeader(const std::vector<std::string>& columns) {
  // Column names are field names (no commas, quotes or line ends), written as they are.
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += columns[i];
  }
  return out + "\r\n";
}

std::string CsvRow(const StoredEvent& e, const std::vector<std::string>& columns) {
  // Stored fields are JSON this server wrote, so parsing does not fail on valid data; if it did,
  // the field cells stay empty.
  const auto fields = nlohmann::json::parse(e.fields_json, nullptr, /*allow_exceptions=*/false);
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    const std::string& c = columns[i];
    if (c == "@timestamp") {
      AppendCsvCell(out, FormatRfc3339(e.timestamp));
    } else if (c == "id") {
      AppendCsvCell(out, e.id);
    } else if (c == "dataset") {
      AppendCsvCell(out, e.dataset);
    } else if (c == "message") {
      AppendCsvCell(out, e.message);
    } else if (c == "raw") {
      AppendCsvCell(out, e.raw);
    } else if (fields.is_object()) {
      const auto it = fields.find(c);
      if (it == fields.end() || it->is_null()) continue;
      AppendCsvCell(out, it->is_string()
                             ? it->get_ref<const std::string&>()
                             : it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  return out + "\r\n";
}

}  // namespace pantau
