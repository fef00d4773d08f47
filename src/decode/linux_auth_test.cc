#include "decode/linux_auth.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "decode/test_support.h"

namespace pantau {
namespace {

using testing_support::Text;

struct Case {
  std::string_view program;
  std::string_view message;
  std::vector<std::pair<std::string_view, std::string_view>> fields;
};

TEST(LinuxAuthTest, Messages) {
  const Case cases[] = {
      {"sshd",
       "Accepted password for bob from 10.0.0.1 port 22 ssh2",
       {{"event.action", "ssh_login"},
        {"event.outcome", "success"},
        {"event.category", "authentication"},
        {"user.name", "bob"},
        {"source.ip", "10.0.0.1"},
        {"source.port", "22(int)"},
        {"system.auth.ssh.method", "password"}}},
      {"sshd",
       "Accepted keyboard-interactive/pam for bob from ::1 port 2 ssh2",
       {{"system.auth.ssh.method", "keyboard-interactive/pam"}, {"source.ip", "::1"}}},
      {"sshd",
       "Failed password for invalid user  from 1.2.3.4 port 5 ssh2",
       {{"event.outcome", "failure"}, {"user.name", "<absent>"}, {"source.ip", "1.2.3.4"}}},
      {"sshd",
       "Failed password for invalid user john from smith from 1.2.3.4 port 5 ssh2",
       {{"user.name", "john from smith"}, {"source.ip", "1.2.3.4"}}},
      {"sshd",
       "Invalid user test from 1.2.3.4",
       {{"event.action", "ssh_invalid_user"}, {"user.name", "test"}, {"source.port", "<absent>"}}},
      {"sshd",
       "Connection closed by 1.2.3.4 port 99 [preauth]",
       {{"event.action", "ssh_connection_closed"},
        {"source.port", "99(int)"},
        {"event.outcome", "<absent>"}}},
      {"sshd",
       "Connection closed by invalid user admin 1.2.3.4 port 99 [preauth]",
       {{"user.name", "admin"}, {"source.ip", "1.2.3.4"}}},
      {"sshd",
       "Received disconnect from 1.2.3.4: 11: Bye Bye [preauth]",
       {{"event.action", "ssh_disconnect"}, {"source.ip", "1.2.3.4"}}},
      {"sshd",
       "reverse mapping checking getaddrinfo for evil.example [1.2.3.4] failed - POSSIBLE "
       "BREAK-IN ATTEMPT!",
       {{"event.action", "ssh_reverse_mapping_failed"},
        {"source.ip", "1.2.3.4"},
        {"source.domain", "evil.example"}}},
      {"sshd",
       "message repeated 3 times: [ Failed password for root from 1.2.3.4 port 5 ssh2]",
       {{"event.action", "ssh_login"}, {"user.name", "root"}, {"source.port", "5(int)"}}},
      {"sshd",
       "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
       "rhost=host.example  user=root",
       {{"event.action", "authentication_failure"},
        {"source.domain", "host.example"},
        {"user.name", "root"}}},
      {"sshd(pam_unix)",
       "session opened for user test by (uid=509)",
       {{"event.action", "session_opened"}, {"event.category", "session"}, {"user.name", "test"}}},
      {"sudo",
       "   bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls -la",
       {{"event.action", "sudo"},
        {"event.outcome", "success"},
        {"user.name", "bob"},
        {"user.effective.name", "root"},
        {"process.command_line", "/bin/ls -la"},
        {"process.working_directory", "/home/bob"},
        {"system.auth.sudo.tty", "pts/0"}}},
      {"sudo",
       "bob : command not allowed ; TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/sh",
       {{"event.outcome", "failure"}, {"system.auth.sudo.error", "command not allowed"}}},
      {"sudo", "unable to resolve host web01", {{"event.action", "<absent>"}}},
      {"su",
       "(to root) bob on pts/0",
       {{"event.action", "su"}, {"user.name", "bob"}, {"user.effective.name", "root"}}},
      {"su", "FAILED su for root by eve", {{"event.outcome", "failure"}, {"user.name", "eve"}}},
      {"su", "- pts/1 eve:root", {{"event.outcome", "failure"}, {"user.effective.name", "root"}}},
      {"useradd",
       "new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash",
       {{"event.action", "user_created"},
        {"event.category", "iam"},
        {"user.name", "bob"},
        {"user.id", "1001"},
        {"group.id", "1001"},
        {"system.auth.useradd.shell", "/bin/bash"}}},
      {"useradd",
       "new group: name=bob, GID=1001",
       {{"event.action", "group_created"}, {"group.name", "bob"}}},
      {"usermod",
       "add 'bob' to shadow group 'wheel'",
       {{"event.action", "user_added_to_group"}, {"user.name", "bob"}, {"group.name", "wheel"}}},
      {"userdel", "delete user 'bob'", {{"event.action", "user_deleted"}, {"user.name", "bob"}}},
      {"passwd",
       "password for 'bob' changed by 'root'",
       {{"event.action", "password_changed"}, {"user.name", "bob"}}},
      {"CRON",
       "pam_unix(cron:session): session closed for user root",
       {{"event.action", "session_closed"}, {"user.name", "root"}}},
      {"sshd", "pam_unix(sshd:auth", {{"event.action", "<absent>"}}},
      {"sshd", "", {{"event.action", "<absent>"}}},
      {"su", "(to root", {{"event.action", "<absent>"}}},
      {"sshd", "Accepted", {{"event.action", "<absent>"}}},
      {"sshd", "Accepted x", {{"event.action", "ssh_login"}, {"user.name", "<absent>"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    ASSERT_TRUE(IsLinuxAuthMessage(c.program, c.message));
    Event e;
    DecodeLinuxAuthPayload(c.program, c.message, e);
    EXPECT_EQ(e.dataset, "linux.auth");
    for (const auto& [name, want] : c.fields) EXPECT_EQ(Text(e, name), want) << name;
  }
}

TEST(LinuxAuthTest, WhichProgramsAreAuth) {
  EXPECT_TRUE(IsLinuxAuthMessage("sshd", "x"));
  EXPECT_TRUE(IsLinuxAuthMessage("sshd-session", "x"));
  EXPECT_TRUE(IsLinuxAuthMessage("su(pam_unix)", "x"));
  EXPECT_TRUE(IsLinuxAuthMessage("/usr/sbin/sshd", "x"));
  EXPECT_TRUE(IsLinuxAuthMessage("CRON", "pam_unix(cron:session): x"));
  EXPECT_FALSE(IsLinuxAuthMessage("CRON", "(root) CMD (x)"));
  EXPECT_FALSE(IsLinuxAuthMessage("nginx", "x"));
  EXPECT_FALSE(IsLinuxAuthMessage("", "x"));
}

}  // namespace
}  // namespace pantau
