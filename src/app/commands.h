// One function per subcommand, each returning the process exit code. Wiring lives here: config
// -> objects in dependency order -> run -> stop in reverse.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"

namespace pantau {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Prints `status` as one line on stderr and returns its exit code.
int Fail(const Status& status);

int RunServe(const Config& config);

struct ImportFlags {
  std::string data_dir;
  std::string format = "auto";
  std::vector<std::string> files;
};
int RunImport(const Config& config, const ImportFlags& flags);

struct SearchFlags {
  std::vector<std::string> words;
  std::string from, to;
  size_t limit = 20;
  bool json = false;
};
int RunSearch(const Config& config, const SearchFlags& flags);

struct ApiKeyFlags {
  std::string action;  // create, list, disable
  std::string name;
  std::vector<std::string> scopes;
};
int RunApiKey(const Config& config, const ApiKeyFlags& flags);

}  // namespace pantau
