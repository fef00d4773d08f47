// Runs a tool (a scanner, a headless browser) as a child process: posix_spawnp with an argument
// vector (never a shell, so no argument is ever parsed as shell syntax), its stdout and stderr read
// through pipes up to a cap, a deadline, and a cancel flag polled as it runs. On the deadline or a
// cancel the child gets SIGTERM, then SIGKILL two seconds later, and is always reaped. Lines of
// stdout can be handed to a callback as they arrive (nmap's progress), besides being kept whole.
//
// Thread-safety: RunChildProcess may be called from several threads at once; `cancel` may be set
// from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pantau {

struct ChildOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes(15)};
  size_t max_output_bytes = size_t{32} << 20;  // of stdout and of stderr each; the rest dropped
  // Called on the calling thread with each line of stdout as it arrives (without its newline;
  // a line longer than kMaxCallbackLine is cut to that length), while the child runs. Null: none.
  std::function<void(std::string_view line)> on_stdout_line;
};

inline constexpr size_t kMaxCallbackLine = 4096;

struct ChildResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  bool timed_out = false;
  bool cancelled = false;
  bool truncated = false;  // output past max_output_bytes was dropped
  std::string out, err;
};

// Starts argv[0] (looked up in PATH) with `argv`; Unavailable when it cannot be started (not
// installed). REQUIRES: !argv.empty().
Result<ChildResult> RunChildProcess(const std::vector<std::string>& argv,
                                    const ChildOptions& options, const std::atomic<bool>& cancel);

}  // namespace pantau
