// `pantau search [WORDS...]`: stored events, newest first, from the shell.
#include <cstdio>

#include "app/commands.h"
#include "core/time.h"
#include "store/event_store.h"

namespace pantau {

int RunSearch(const Config& config, const SearchFlags& flags) {
  ReadRequest req;
  req.limit = flags.limit;
  req.words = flags.words;
  if (!flags.from.empty()) {
    auto t = ParseRfc3339(flags.from);
    if (!t) return Fail(InvalidArgument("--from: '" + flags.from + "' is not an RFC 3339 time"));
    req.from = *t;
  }
  if (!flags.to.empty()) {
    auto t = ParseRfc3339(flags.to);
    if (!t) return Fail(InvalidArgument("--to: '" + flags.to + "' is not an RFC 3339 time"));
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
