// For the notify tests only: running a command to its end, and the SMTP test sink
// (tests/e2e/smtp_sink.py) as a child process listening on 127.0.0.1 on a free port.
//
// Thread-safety: a SinkProcess belongs to the test that made it.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace pantau::testing_support {

inline std::string SourceDir() {
  const char* root = std::getenv("PANTAU_SOURCE_DIR");
  return root ? root : ".";
}

// Starts argv[0] (looked up in PATH) with stdout and stderr to `log` (or /dev/null); 0 on failure.
inline pid_t Spawn(const std::vector<std::string>& argv, const std::string& log = "/dev/null") {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : 0;
}

// Runs a command to its end; its exit status, or -1.
inline int Run(const std::vector<std::string>& argv) {
  const pid_t pid = Spawn(argv);
  if (pid == 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A self-signed certificate for 127.0.0.1 and localhost, made with `openssl req`: cert.pem and
// key.pem in `dir`. False when openssl failed.
inline bool MakeTestCertificate(const std::filesystem::path& dir) {
  return Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
              "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
              "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout",
              (dir / "key.pem").string(), "-out", (dir / "cert.pem").string()}) == 0;
}

// The sink, started with `extra` options, writing each message to `dir`/out/NNNN.json.
class SinkProcess {
 public:
  SinkProcess(const std::filesystem::path& dir, std::vector<std::string> extra) : dir_(dir) {
    std::filesystem::create_directories(dir_);
    const std::string port_file = (dir_ / "port").string();
    std::filesystem::remove(port_file);
    std::vector<std::string> argv = {"python3",       SourceDir() + "/tests/e2e/smtp_sink.py",
                                     "--port-file",   port_file,
                                     "--out",         (dir_ / "out").string(),
                                     "--max-seconds", "60"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = Spawn(argv, (dir_ / "sink.log").string());
    // Python starts in well under a second; wait at most 10.
    for (int i = 0; pid_ != 0 && i < 200 && port_ == 0; ++i) {
      std::ifstream in(port_file);
      if (!(in >> port_)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~SinkProcess() {
    if (pid_ == 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  SinkProcess(const SinkProcess&) = delete;
  SinkProcess& operator=(const SinkProcess&) = delete;

  int port() const { return port_; }
  std::filesystem::path Message(int n) const {
    char name[16];
    std::snprintf(name, sizeof(name), "%04d.json", n);
    return dir_ / "out" / name;
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace pantau::testing_support
