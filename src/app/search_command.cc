// `pantau search [QUERY...]`: stored events matching a query (docs/query-language.md), newest
// first, from the shell. The words of QUERY are joined with spaces, so quoting is optional.
#include <cstdio>

#include "app/commands.h"
#include "core/time.h"
#include "query/parser.h"
#include "query/sqlite_compiler.h"
#include "query/time_argument.h"
#include "store/event_store.h"

namespace pantau {

int RunSearch(const Config& config, const SearchFlags& flags) {
  std::string text;
  for (const auto& w : flags.query) text += (text.empty() ? "" : " ") + w;
  auto query = query::ParseQuery(text);
  if (!query.ok()) return Fail(query.status());
  auto filter = query::CompileForSqlite(*query);
  if (!filter.ok()) return Fail(filter.status());
  ReadRequest req;
  req.limit = flags.limit;
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
  auto events = (*store)->Read(req);
  if (!events.ok()) return Fail(events.status());
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
