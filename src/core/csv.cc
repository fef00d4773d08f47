#include "core/csv.h"

#include <fmt/format.h>

namespace pantau {
namespace {

bool IsFormulaStart(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

}  // namespace

Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, size_t max_records) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const std::string_view first_line = text.substr(0, text.find('\n'));
  const char sep = first_line.find(',') == std::string_view::npos &&
                           first_line.find(';') != std::string_view::npos
                       ? ';'
                       : ',';
  std::vector<CsvRecord> out;
  int64_t line = 1;
  size_t i = 0;
  while (i < text.size()) {
    CsvRecord record;
    record.line = line;
    std::string cell;
    bool blank = true;
    while (true) {
      if (i < text.size() && text[i] == '"') {
        blank = false;
        const int64_t opened = line;
        ++i;
        while (true) {
          if (i >= text.size()) {
            return InvalidArgument(
                fmt::format("line {}: a quoted cell is never closed (a '\"' is missing)", opened));
          }
          const char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') {
              cell += '"';
              ++i;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          cell += c;
        }
        if (i < text.size() && text[i] != sep && text[i] != '\n' && text[i] != '\r') {
          return InvalidArgument(
              fmt::format("line {}: text after a closing quote (write \"\" for a quote inside "
                          "a quoted cell)",
                          line));
        }
      } else {
        while (i < text.size() && text[i] != sep && text[i] != '\n' && text[i] != '\r') {
          cell += text[i++];
        }
        if (!cell.empty()) blank = false;
      }
      record.cells.push_back(std::move(cell));
      cell.clear();
      if (i < text.size() && text[i] == sep) {
        blank = false;
        ++i;
        continue;
      }
      break;  // end of the line or the text
    }
    if (i < text.size() && text[i] == '\r') ++i;
    if (i < text.size() && text[i] == '\n') {
      ++i;
      ++line;
    }
    if (blank) continue;
    if (out.size() >= max_records) {
      return TooLarge(fmt::format("more than {} lines: split the file", max_records));
    }
    out.push_back(std::move(record));
  }
  return out;
}

void AppendCsvCell(std::string& out, std::string_view cell) {
  const bool formula = !cell.empty() && IsFormulaStart(cell[0]);
  const bool quote = formula || cell.find_first_of(",;\"\r\n") != std::string_view::npos;
  if (!quote) {
    out.append(cell);
    return;
  }
  out.push_back('"');
  if (formula) out.push_back('\'');
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string UnescapeCsvFormula(std::string_view cell) {
  if (cell.size() >= 2 && cell[0] == '\'' && IsFormulaStart(cell[1])) cell.remove_prefix(1);
  return std::string(cell);
}

}  // namespace pantau
