// Fuzz target for the CSV reader of the registry import: it must never crash, and every record
// it gives back must start on a line that exists in the text.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "core/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto records = pantau::ParseCsv(text, 1000);
  if (!records.ok()) return 0;
  const auto lines = static_cast<int64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const pantau::CsvRecord& r : *records) {
    if (r.line < 1 || r.line > lines) std::abort();
  }
  return 0;
}
