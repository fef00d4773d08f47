// `pantau search [QUERY...]`: stored events matching a query (docs/query-language.md), newest
// first, from the shell. The words of QUERY are joined with spaces, so quoting is optional.
#include <algorithm>
#include <cstdio>

#include "api/export.h"
#include "app/commands.h"
#include "cases/saved_searches.h"
#include "core/time.h"
#include "query/aggregation.h"
#include "query/parser.h"
#include "query/sqlite_compiler.h"
#include "query/time_argument.h"
#include "store/event_store.h"

namespace pantau {
namespace {

// One row per line: JSON objects with --json, else a header and tab-separated values (text
// escaped as in JSON, so that nothing in a value can drive the terminal).
void PrintTable(const query::Table& t, bool json) {
  if (json) {
    for (size_t r = 0; r < t.rows.size(); ++r) std::printf("%s\n", RowToJson(t, r).c_str());
    return;
  }
  std::string line;
  for (const auto& c : t.columns) line += (line.empty() ? "" : "\t") + c;
  std::printf("%s\n", line.c_str());
  for (const auto& row : t.rows) {
    line.clear();
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += '\t';
      if (const auto* s = std::get_if<std::string>(&row[i])) {
        std::string quoted;
        AppendJsonString(quoted, *s);
        line += quoted.substr(1, quoted.size() - 2);
      } else {
        AppendJsonValue(line, row[i]);
      }
    }
    std::printf("%s\n", line.c_str());
  }
}

}  // namespace

int RunSearch(const Config& config, SearchFlags flags) {
  if (!flags.saved.empty()) {
    // A person's saved search: its query and times, unless the flags give others.
    auto searches = SavedSearches::Open(config.data_dir, SystemClock::Get());
    if (!searches.ok()) return Fail(searches.status());
    auto list = (*searches)->List(flags.user);
    if (!list.ok()) return Fail(list.status());
    auto it = std::find_if(list->begin(), list->end(),
                           [&](const SavedSearch& s) { return s.name == flags.saved; });
    if (it == list->end()) {
      return Fail(NotFound("--saved: '" + flags.user + "' has no saved search named '" +
                           flags.saved + "'"));
    }
    flags.query = {it->query};
    if (flags.from.empty()) flags.from = it->from;
    if (flags.to.empty()) flags.to = it->to;
  }
  std::string text;
  for (const auto& w : flags.query) text += (text.empty() ? "" : " ") + w;
  auto query = query::ParseQuery(text);
  if (!query.ok()) return Fail(query.status());
  auto filter = query::CompileForSqlite(*query);
  if (!filter.ok()) return Fail(filter.status());
  ReadRequest req;
  req.limit = flags.limit;
  req.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config.search.timeout_s);
  req.filter = std::move(*filter);
  const TimeNs now = SystemClock::Get().Now();
  if (!flags.from.empty()) {
    auto t = query::ParseTimeArgument(flags.from, now, "--from");
    if (!t.ok()) return Fail(t.status());
    req.from = *t;
  }
  if (!flags.to.empty()) {
    auto t = query::ParseTimeArgument(flags.to, now, "--to");
    if (!t.ok()) return Fail(t.status());
    req.to = *t;
  }
  auto store = OpenStore(config, SystemClock::Get());
  if (!store.ok()) return Fail(store.status());
  if (!query->stages.empty()) {
    auto table = query::RunStages(**store, req, query->stages);
    if (!table.ok()) return Fail(table.status());
    PrintTable(*table, flags.json);
    return kExitOk;
  }
  auto events = (*store)->Read(req);
  if (!events.ok()) return Fail(events.status());
  if (flags.csv) {
    auto columns = ParseCsvColumns(flags.fields);
    if (!columns.ok()) return Fail(columns.status());
    std::printf("%s", CsvHeader(*columns).c_str());
    for (const auto& e : *events) std::printf("%s", CsvRow(e, *columns).c_str());
    return kExitOk;
  }
  for (const auto& e : *events) {
    if (flags.json) {
      std::printf("%s\n", e.ToJson().c_str());
    } else {
      // The message is log content: control bytes and invalid UTF-8 are shown escaped, as JSON
      // escapes them, so nothing in it can drive the terminal.
      std::string shown;
      AppendJsonString(shown, e.message);
      std::printf("%s  %-18s %s\n", FormatRfc3339(e.timestamp).c_str(), e.dataset.c_str(),
                  shown.substr(1, shown.size() - 2).c_str());
    }
  }
  return kExitOk;
}

}  // namespace pantau
