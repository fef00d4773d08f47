// Linux authentication messages (dataset linux.auth): sshd, PAM, sudo, su, useradd and friends,
// as they arrive in syslog. Decoded from the syslog message once the syslog decoder has found
// the program name.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "core/event.h"

namespace pantau {

// True for the programs whose messages are authentication records (sshd, sshd(pam_unix), sudo,
// su, useradd, passwd, login, ...), and for any message that starts with "pam_unix(".
bool IsLinuxAuthMessage(std::string_view program, std::string_view message);

// Adds the fields of an authentication `message` from `program` to `event` and sets its dataset
// to linux.auth. Messages it does not know keep only the dataset: they are still auth records.
void DecodeLinuxAuthPayload(std::string_view program, std::string_view message, Event& event);

}  // namespace pantau
