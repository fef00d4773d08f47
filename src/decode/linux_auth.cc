#include "decode/linux_auth.h"

#include <algorithm>
#include <array>
#include <string>

#include "decode/common.h"
#include "decode/scan.h"

namespace pantau {
namespace {

using std::string_view;

// Removes `prefix` from the front of `s` when it is there.
bool Consume(string_view& s, string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

string_view StripSuffix(string_view s, string_view suffix) {
  return s.ends_with(suffix) ? s.substr(0, s.size() - suffix.size()) : s;
}

void SetText(Event& e, string_view name, string_view v) {
  if (!v.empty()) e.fields.Set(name, std::string(v));
}

void SetAction(Event& e, string_view action, string_view category) {
  e.fields.Set("event.action", std::string(action));
  e.fields.Set("event.category", std::string(category));
}

void SetOutcome(Event& e, string_view action, bool success, string_view category) {
  SetAction(e, action, category);
  e.fields.Set("event.outcome", std::string(success ? "success" : "failure"));
}

// "ADDRESS[ port N]..." (the address may end in ':' as in "Received disconnect from 1.2.3.4: 11:").
void SetSource(Event& e, string_view s) {
  const size_t sp = s.find(' ');
  string_view address = s.substr(0, sp);
  if (!address.empty() && address.back() == ':') address.remove_suffix(1);
  decode::SetIpOrDomain(e, "source", address);
  if (sp == string_view::npos) return;
  string_view rest = s.substr(sp + 1);
  if (Consume(rest, "port ")) {
    if (auto port = decode::ParseInt64(rest.substr(0, rest.find_first_of(" :")))) {
      e.fields.Set("source.port", *port);
    }
  }
}

// "USER from ADDRESS port N ssh2": a user name may hold spaces, so the last " from " splits.
void SetUserFrom(Event& e, string_view s) {
  const size_t from = s.rfind(" from ");
  if (from == string_view::npos) {
    SetText(e, "user.name", StripSuffix(s, " [preauth]"));
    return;
  }
  SetText(e, "user.name", s.substr(0, from));
  SetSource(e, s.substr(from + 6));
}

// "[authenticating |invalid ]user USER ADDRESS port N" as in "Connection closed by ..."; plain
// "ADDRESS port N" otherwise.
void SetMaybeUserThenSource(Event& e, string_view s) {
  if (Consume(s, "authenticating user ") || Consume(s, "invalid user ") || Consume(s, "user ")) {
    const size_t sp = s.find(' ');
    SetText(e, "user.name", s.substr(0, sp));
    if (sp == string_view::npos) return;
    s.remove_prefix(sp + 1);
  }
  SetSource(e, s);
}

// The PAM key=value list after "authentication failure;": rhost and user matter.
void SetPamFailureFields(Event& e, string_view s) {
  size_t p = 0;
  while (p < s.size()) {
    while (p < s.size() && decode::IsBlank(s[p])) ++p;
    const size_t start = p;
    while (p < s.size() && !decode::IsBlank(s[p])) ++p;
    string_view kv = s.substr(start, p - start);
    if (Consume(kv, "rhost=")) {
      decode::SetIpOrDomain(e, "source", kv);
    } else if (Consume(kv, "user=")) {
      SetText(e, "user.name", kv);
    }
  }
}

// "root(uid=0)" -> "root".
string_view UserWithoutUid(string_view s) { return s.substr(0, s.find('(')); }

void DecodePam(string_view m, Event& e) {
  if (Consume(m, "authentication failure;")) {
    SetOutcome(e, "authentication_failure", false, "authentication");
    SetPamFailureFields(e, m);
  } else if (m.starts_with("check pass; user unknown")) {
    SetOutcome(e, "user_unknown", false, "authentication");
  } else if (Consume(m, "session opened for user ")) {
    SetOutcome(e, "session_opened", true, "session");
    SetText(e, "user.name", UserWithoutUid(m.substr(0, m.find(' '))));
  } else if (Consume(m, "session closed for user ")) {
    SetOutcome(e, "session_closed", true, "session");
    SetText(e, "user.name", UserWithoutUid(m.substr(0, m.find(' '))));
  } else if (Consume(m, "password changed for ")) {
    SetOutcome(e, "password_changed", true, "iam");
    SetText(e, "user.name", m.substr(0, m.find(' ')));
  } else if (Consume(m, "auth could not identify password for [")) {
    SetOutcome(e, "authentication_failure", false, "authentication");
    SetText(e, "user.name", m.substr(0, m.find(']')));
  }
}

void DecodeSshd(string_view m, Event& e) {
  Consume(m, "error: ");
  if (Consume(m, "Accepted ") || m.starts_with("Failed ")) {
    const bool success = !Consume(m, "Failed ");
    const size_t sp = m.find(' ');
    SetText(e, "system.auth.ssh.method", m.substr(0, sp));
    SetOutcome(e, "ssh_login", success, "authentication");
    if (sp == string_view::npos) return;
    m.remove_prefix(sp + 1);
    Consume(m, "for ");
    Consume(m, "invalid user ");
    SetUserFrom(e, m);
  } else if (Consume(m, "Invalid user ")) {
    SetOutcome(e, "ssh_invalid_user", false, "authentication");
    SetUserFrom(e, m);
  } else if (Consume(m, "input_userauth_request: invalid user ")) {
    SetOutcome(e, "ssh_invalid_user", false, "authentication");
    SetText(e, "user.name", StripSuffix(m, " [preauth]"));
  } else if (Consume(m, "Connection closed by ")) {
    SetAction(e, "ssh_connection_closed", "network");
    SetMaybeUserThenSource(e, m);
  } else if (Consume(m, "Disconnected from ")) {
    SetAction(e, "ssh_disconnect", "network");
    SetMaybeUserThenSource(e, m);
  } else if (Consume(m, "Received disconnect from ")) {
    SetAction(e, "ssh_disconnect", "network");
    SetSource(e, m);
  } else if (Consume(m, "reverse mapping checking getaddrinfo for ")) {
    // "HOST [IP] failed - POSSIBLE BREAK-IN ATTEMPT!": the client's address does not map back.
    SetAction(e, "ssh_reverse_mapping_failed", "network");
    const size_t open = m.find(" [");
    const size_t close = m.find(']', open);
    if (open != string_view::npos && close != string_view::npos) {
      SetText(e, "source.domain", m.substr(0, open));
      decode::SetIpOrDomain(e, "source", m.substr(open + 2, close - open - 2));
    }
  } else if (Consume(m, "Did not receive identification string from ")) {
    SetAction(e, "ssh_no_identification", "network");
    SetSource(e, m);
  } else if (Consume(m, "Disconnecting: Too many authentication failures")) {
    SetOutcome(e, "ssh_too_many_failures", false, "authentication");
    if (Consume(m, " for ")) {
      Consume(m, "invalid user ");
      SetText(e, "user.name", StripSuffix(m, " [preauth]"));
    }
  } else if (Consume(m, "maximum authentication attempts exceeded for ")) {
    SetOutcome(e, "ssh_too_many_failures", false, "authentication");
    Consume(m, "invalid user ");
    SetUserFrom(e, m);
  } else if (Consume(m, "PAM ") && m.find(" more authentication failure") != string_view::npos) {
    SetOutcome(e, "authentication_failure", false, "authentication");
    SetPamFailureFields(e, m.substr(std::min(m.find(';'), m.size())));
  }
}

// "bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls -la", with an error text such
// as "3 incorrect password attempts" or "user NOT in sudoers" before TTY when sudo refused.
void DecodeSudo(string_view m, Event& e) {
  m = decode::TrimBlanks(m);
  const size_t colon = m.find(" : ");
  if (colon == string_view::npos) return;
  SetText(e, "user.name", m.substr(0, colon));
  string_view rest = m.substr(colon + 3);
  string_view error;
  while (!rest.empty()) {
    if (Consume(rest, "COMMAND=")) {
      // The command is last and may itself hold " ; ".
      SetText(e, "process.command_line", rest);
      break;
    }
    const size_t sep = rest.find(" ; ");
    string_view part = rest.substr(0, sep);
    rest = sep == string_view::npos ? string_view() : rest.substr(sep + 3);
    if (Consume(part, "TTY=")) {
      SetText(e, "system.auth.sudo.tty", part);
    } else if (Consume(part, "PWD=")) {
      SetText(e, "process.working_directory", part);
    } else if (Consume(part, "USER=")) {
      SetText(e, "user.effective.name", part);
    } else if (Consume(part, "GROUP=")) {
      SetText(e, "user.effective.group.name", part);
    } else if (part.find('=') == string_view::npos && error.empty()) {
      error = part;
    }
  }
  SetText(e, "system.auth.sudo.error", error);
  SetOutcome(e, "sudo", error.empty(), "authentication");
}

// su's own messages (util-linux and shadow): "(to root) bob on pts/0", "Successful su for root
// by bob", "FAILED su for root by bob", "FAILED SU (to root) bob on pts/0", "+ pts/0 bob:root".
void DecodeSu(string_view m, Event& e) {
  bool success = true;
  string_view target;
  string_view user;
  bool to_form = Consume(m, "(to ");
  bool for_form = false;
  if (!to_form && Consume(m, "FAILED SU (to ")) {
    to_form = true;
    success = false;
  }
  if (!to_form) {
    for_form = Consume(m, "Successful su for ");
    if (!for_form && Consume(m, "FAILED su for ")) {
      for_form = true;
      success = false;
    }
  }
  if (to_form) {
    const size_t close = m.find(") ");
    if (close == string_view::npos) return;
    target = m.substr(0, close);
    m.remove_prefix(close + 2);
    user = m.substr(0, m.find(' '));
  } else if (for_form) {
    const size_t by = m.find(" by ");
    if (by == string_view::npos) return;
    target = m.substr(0, by);
    user = m.substr(by + 4);
  } else if (m.size() > 2 && (m[0] == '+' || m[0] == '-') && m[1] == ' ') {
    success = m[0] == '+';
    const size_t sp = m.find(' ', 2);
    if (sp == string_view::npos) return;
    const string_view pair = m.substr(sp + 1);
    const size_t colon = pair.find(':');
    if (colon == string_view::npos) return;
    user = pair.substr(0, colon);
    target = pair.substr(colon + 1);
  } else if (m.starts_with("pam_authenticate: ")) {
    SetOutcome(e, "su", false, "authentication");
    return;
  } else {
    return;
  }
  SetOutcome(e, "su", success, "authentication");
  SetText(e, "user.name", user);
  SetText(e, "user.effective.name", target);
}

// The name between the first pair of single quotes: "delete user 'bob'".
string_view Quoted(string_view s, size_t from = 0) {
  const size_t open = s.find('\'', from);
  if (open == string_view::npos) return {};
  const size_t close = s.find('\'', open + 1);
  if (close == string_view::npos) return {};
  return s.substr(open + 1, close - open - 1);
}

// "name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0"
void SetShadowList(Event& e, string_view s) {
  while (!s.empty()) {
    const size_t comma = s.find(", ");
    string_view kv = s.substr(0, comma);
    s = comma == string_view::npos ? string_view() : s.substr(comma + 2);
    const size_t eq = kv.find('=');
    if (eq == string_view::npos) continue;
    const string_view key = kv.substr(0, eq);
    const string_view value = kv.substr(eq + 1);
    if (key == "UID") SetText(e, "user.id", value);
    if (key == "GID") SetText(e, "group.id", value);
    if (key == "home") SetText(e, "system.auth.useradd.home", value);
    if (key == "shell") SetText(e, "system.auth.useradd.shell", value);
  }
}

// useradd, userdel, usermod, groupadd, groupdel, groupmod (the shadow suite).
void DecodeShadowUtils(string_view m, Event& e) {
  if (Consume(m, "new user: ")) {
    SetOutcome(e, "user_created", true, "iam");
    if (Consume(m, "name=")) SetText(e, "user.name", m.substr(0, m.find(',')));
    SetShadowList(e, m);
  } else if (Consume(m, "new group: ") || Consume(m, "group added to /etc/group: ")) {
    SetOutcome(e, "group_created", true, "iam");
    if (Consume(m, "name=")) SetText(e, "group.name", m.substr(0, m.find(',')));
    SetShadowList(e, m);
  } else if (m.starts_with("failed adding user ")) {
    SetOutcome(e, "user_created", false, "iam");
    SetText(e, "user.name", Quoted(m));
  } else if (m.starts_with("delete user ")) {
    SetOutcome(e, "user_deleted", true, "iam");
    SetText(e, "user.name", Quoted(m));
  } else if (m.starts_with("removed group ") ||
             (m.starts_with("group '") && m.ends_with("' removed"))) {
    SetOutcome(e, "group_deleted", true, "iam");
    SetText(e, "group.name", Quoted(m));
  } else if (m.starts_with("add '")) {
    // "add 'bob' to group 'sudo'" and the same for the shadow group file.
    SetOutcome(e, "user_added_to_group", true, "iam");
    const string_view user = Quoted(m);
    SetText(e, "user.name", user);
    SetText(e, "group.name", Quoted(m, 5 + user.size() + 1));
  } else if (m.starts_with("change user '") && m.ends_with("' password")) {
    SetOutcome(e, "password_changed", true, "iam");
    SetText(e, "user.name", Quoted(m));
  }
}

constexpr std::array<string_view, 26> kAuthPrograms = {
    "chage",        "chfn",     "chpasswd",       "chsh",        "gdm",      "gdm-binary",
    "gdm-password", "gpasswd",  "groupadd",       "groupdel",    "groupmod", "klogind",
    "login",        "newusers", "passwd",         "pkexec",      "sshd",     "sshd-session",
    "su",           "sudo",     "systemd-logind", "unix_chkpwd", "useradd",  "userdel",
    "usermod",      "vipw"};
static_assert(std::is_sorted(kAuthPrograms.begin(), kAuthPrograms.end()));

// "sshd(pam_unix)" -> "sshd", "/usr/sbin/sshd" -> "sshd".
string_view BaseProgram(string_view program) {
  program = program.substr(0, program.find('('));
  if (const size_t slash = program.rfind('/'); slash != string_view::npos) {
    program.remove_prefix(slash + 1);
  }
  return program;
}

}  // namespace

bool IsLinuxAuthMessage(std::string_view program, std::string_view message) {
  return std::binary_search(kAuthPrograms.begin(), kAuthPrograms.end(), BaseProgram(program)) ||
         message.starts_with("pam_unix(");
}

void DecodeLinuxAuthPayload(std::string_view program, std::string_view message, Event& event) {
  event.dataset = "linux.auth";
  string_view m = message;
  // "message repeated 2 times: [ Failed password for root from 1.2.3.4 port 22 ssh2]"
  if (Consume(m, "message repeated ")) {
    const size_t open = m.find(": [ ");
    if (open == string_view::npos) return;
    m.remove_prefix(open + 4);
    if (!m.empty() && m.back() == ']') m.remove_suffix(1);
  }
  if (Consume(m, "pam_unix(")) {
    const size_t close = m.find("): ");
    if (close == string_view::npos) return;
    DecodePam(m.substr(close + 3), event);
    return;
  }
  // Old Linux-PAM wrote the module into the tag: "sshd(pam_unix)[19939]: ...".
  if (program.find("(pam_unix)") != string_view::npos) {
    DecodePam(m, event);
    return;
  }
  const string_view base = BaseProgram(program);
  if (base == "sshd" || base == "sshd-session") {
    DecodeSshd(m, event);
  } else if (base == "sudo") {
    DecodeSudo(m, event);
  } else if (base == "su") {
    DecodeSu(m, event);
  } else if (base.starts_with("user") || base.starts_with("group")) {
    DecodeShadowUtils(m, event);
  } else if (base == "passwd" && Consume(m, "password for ")) {
    SetOutcome(event, "password_changed", true, "iam");
    SetText(event, "user.name", Quoted(m));
  } else if (base == "klogind") {
    if (Consume(m, "Authentication failed from ")) {
      SetOutcome(event, "authentication_failure", false, "authentication");
      SetSource(event, m);
    } else if (m.starts_with("Kerberos authentication failed")) {
      SetOutcome(event, "authentication_failure", false, "authentication");
    }
  } else if (base == "gdm-binary" && m.starts_with("Couldn't authenticate user")) {
    SetOutcome(event, "authentication_failure", false, "authentication");
  }
}

}  // namespace pantau
