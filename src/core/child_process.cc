#include "core/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace pantau {
namespace {

constexpr auto kGrace = std::chrono::seconds(2);
constexpr int kPollMs = 100;

struct Pipe {
  int read = -1, write = -1;
  ~Pipe() {
    if (read >= 0) close(read);
    if (write >= 0) close(write);
  }
};

Status OpenPipe(Pipe& p) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Internal(std::string("pipe: ") + std::strerror(errno));
  p.read = fds[0];
  p.write = fds[1];
  return Status::Ok();
}

}  // namespace

Result<ChildResult> RunChildProcess(const std::vector<std::string>& argv,
                                    const ChildOptions& options, const std::atomic<bool>& cancel) {
  Pipe out, err;
  RETURN_IF_ERROR(OpenPipe(out));
  RETURN_IF_ERROR(OpenPipe(err));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  // Its own process group, so that a kill reaches whatever it starts as well.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);  // the server blocks its stop signals
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Unavailable("cannot start '" + argv[0] + "': " + std::strerror(rc) +
                       " (is it installed? scripts/setup.sh installs it)");
  }
  close(out.write);
  out.write = -1;
  close(err.write);
  err.write = -1;

  ChildResult result;
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point term_sent{};
  bool out_open = true, err_open = true, killed = false;
  char buffer[64 * 1024];
  // The stdout line being read, for on_stdout_line; what a line has past the cap is dropped.
  std::string line;
  auto hand_lines = [&](std::string_view bytes) {
    for (char c : bytes) {
      if (c == '\n') {
        options.on_stdout_line(line);
        line.clear();
      } else if (line.size() < kMaxCallbackLine) {
        line += c;
      }
    }
  };
  auto drain = [&](int fd, std::string& into, bool& open) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      if (n == 0 || (errno != EINTR && errno != EAGAIN)) open = false;
      return;
    }
    if (&into == &result.out && options.on_stdout_line) {
      hand_lines(std::string_view(buffer, static_cast<size_t>(n)));
    }
    const size_t room = options.max_output_bytes - std::min(options.max_output_bytes, into.size());
    if (static_cast<size_t>(n) > room) result.truncated = true;
    into.append(buffer, std::min(room, static_cast<size_t>(n)));
  };
  int status = 0;
  while (true) {
    if (out_open || err_open) {
      pollfd fds[2] = {{out_open ? out.read : -1, POLLIN, 0},
                       {err_open ? err.read : -1, POLLIN, 0}};
      if (poll(fds, 2, kPollMs) > 0) {
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) drain(out.read, result.out, out_open);
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) drain(err.read, result.err, err_open);
      }
    } else {
      // Both pipes closed: wait for the exit, still bounded by the deadline and the cancel.
      const pid_t done = waitpid(pid, &status, WNOHANG);
      if (done == pid || (done < 0 && errno != EINTR)) {
        break;
      }
      poll(nullptr, 0, kPollMs);
    }
    const auto now = std::chrono::steady_clock::now();
    if (term_sent == std::chrono::steady_clock::time_point{}) {
      if (cancel.load()) result.cancelled = true;
      if (now - start > options.timeout) result.timed_out = true;
      if (result.cancelled || result.timed_out) {
        kill(-pid, SIGTERM);
        term_sent = now;
      }
    } else if (!killed && now - term_sent > kGrace) {
      kill(-pid, SIGKILL);
      killed = true;
    }
  }
  if (!line.empty() && options.on_stdout_line) options.on_stdout_line(line);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace pantau
