// `pantau apikey create|list|disable`. Changes are audited as made by cli:<os user>.
#include <cstdio>

#include "app/commands.h"
#include "auth/api_keys.h"
#include "core/time.h"

namespace pantau {

int RunApiKey(const Config& config, const ApiKeyFlags& flags) {
  auto keys = ApiKeys::Open(config.data_dir, SystemClock::Get());
  if (!keys.ok()) return Fail(keys.status());
  if (flags.action == "create") {
    auto key = (*keys)->Create(flags.name, flags.scopes, CliActor());
    if (!key.ok()) return Fail(key.status());
    std::fprintf(stderr, "API key '%s' created; it is shown only this once:\n", flags.name.c_str());
    std::printf("%s\n", key->secret.c_str());
    return kExitOk;
  }
  if (flags.action == "list") {
    auto list = (*keys)->List();
    if (!list.ok()) return Fail(list.status());
    for (const auto& k : *list) {
      std::string scopes;
      for (const auto& s : k.scopes) scopes += (scopes.empty() ? "" : ",") + s;
      std::printf("%-24s %-10s %-12s %s%s\n", k.name.c_str(), k.id.c_str(), scopes.c_str(),
                  FormatRfc3339(k.created).c_str(), k.disabled ? "  disabled" : "");
    }
    return kExitOk;
  }
  const Status s = (*keys)->Disable(flags.name, CliActor());
  if (!s.ok()) return Fail(s);
  return kExitOk;
}

}  // namespace pantau
