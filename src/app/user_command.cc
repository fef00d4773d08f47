// `pantau user add|list|passwd|disable|reset-2fa|require-2fa`: the people who log in to the web
// UI and API. Changes are audited as made by cli:<os user>.
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "auth/users.h"
#include "core/time.h"

namespace pantau {
namespace {

// The password from stdin (first line), or a new random one that is printed once.
Result<std::string> PasswordFor(const UserFlags& flags, bool& generated) {
  if (!flags.password_stdin) {
    generated = true;
    return RandomPassword();
  }
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return InvalidArgument("--password-stdin: no password on standard input");
  return line;
}

}  // namespace

int RunUser(const Config& config, const UserFlags& flags) {
  auto users = Users::Open(config.data_dir, SystemClock::Get());
  if (!users.ok()) return Fail(users.status());
  if (flags.action == "list") {
    auto list = (*users)->List();
    if (!list.ok()) return Fail(list.status());
    for (const UserInfo& u : *list) {
      std::printf("%-24s %-12s %s%s\n", u.name.c_str(), std::string(RoleName(u.role)).c_str(),
                  FormatRfc3339(u.created).c_str(), u.disabled ? "  disabled" : "");
    }
    return kExitOk;
  }
  if (flags.action == "disable") {
    const Status s = (*users)->Disable(flags.name, CliActor());
    return s.ok() ? kExitOk : Fail(s);
  }
  if (flags.action == "require-2fa") {
    auto role = ParseRole(flags.name);
    if (!role.ok()) return Fail(role.status());
    const Status s = (*users)->RequireTotp(*role, !flags.off, CliActor());
    return s.ok() ? kExitOk : Fail(s);
  }
  if (flags.action == "reset-2fa") {
    const Status s = (*users)->ResetTotp(flags.name, CliActor());
    return s.ok() ? kExitOk : Fail(s);
  }
  bool generated = false;
  auto password = PasswordFor(flags, generated);
  if (!password.ok()) return Fail(password.status());
  Status s;
  if (flags.action == "add") {
    auto role = ParseRole(flags.role);
    if (!role.ok()) return Fail(role.status());
    s = (*users)->Add(flags.name, *role, *password, CliActor());
  } else {
    s = (*users)->SetPassword(flags.name, *password, CliActor());
  }
  if (!s.ok()) return Fail(s);
  if (generated) {
    std::fprintf(stderr, "password of '%s' (shown only this once):\n", flags.name.c_str());
    std::printf("%s\n", password->c_str());
  }
  return kExitOk;
}

}  // namespace pantau
