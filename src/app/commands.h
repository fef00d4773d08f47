// One function per subcommand, each returning the process exit code. Wiring lives here: config
// -> objects in dependency order -> run -> stop in reverse.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"
#include "detect/anomaly/template_index.h"
#include "ingest/pipeline.h"
#include "store/event_store.h"

namespace pantau {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Prints `status` as one line on stderr and returns its exit code.
int Fail(const Status& status);

// "cli:<the OS user running this command>": who changed accounts from the command line, for the
// audit trail.
std::string CliActor();

// The event store and the pipeline settings as the config says; shared by the subcommands.
Result<std::unique_ptr<EventStore>> OpenStore(const Config& config, const Clock& clock);
PipelineOptions PipelineOptionsFrom(const Config& config);
// The log template index of the data directory, or null when templates.enabled is false.
Result<std::unique_ptr<anomaly::TemplateIndex>> OpenTemplateIndex(const Config& config);

struct ServeFlags {
  bool demo = false;  // also feed generated, fake events (ingest/demo_feed.h)
};
int RunServe(const Config& config, const ServeFlags& flags);

struct ImportFlags {
  std::string data_dir;
  std::string format = "auto";
  std::vector<std::string> files;
};
int RunImport(const Config& config, const ImportFlags& flags);

struct SearchFlags {
  std::vector<std::string> query;  // joined with spaces
  std::string from, to;
  size_t limit = 20;
  bool json = false;
  bool csv = false;
  std::string fields;  // CSV columns, comma-separated
  std::string saved;   // run this saved search of `user` instead of `query`
  std::string user;
};
int RunSearch(const Config& config, SearchFlags flags);

struct ApiKeyFlags {
  std::string action;  // create, list, disable
  std::string name;
  std::vector<std::string> scopes;
};
int RunApiKey(const Config& config, const ApiKeyFlags& flags);

struct UserFlags {
  std::string action;  // add, list, passwd, disable, reset-2fa, require-2fa
  std::string name;    // the user (the role for require-2fa)
  std::string role;
  bool password_stdin = false;
  bool off = false;  // require-2fa --off
};
int RunUser(const Config& config, const UserFlags& flags);

int RunAuditVerify(const Config& config);

struct CertFlags {
  std::string user;
  std::string full_name;
};
int RunCertDev(const Config& config, const CertFlags& flags);

// Where Sigma rules come from, for hunt and rules check.
struct RuleFlags {
  std::vector<std::string> rule_paths;       // files or folders
  std::vector<std::string> logsource_files;  // extra log source maps
  std::string placeholders_file;
};
int RunRulesCheck(const RuleFlags& flags);

struct HuntFlags {
  RuleFlags rules;
  std::vector<std::string> files;  // files or folders
  std::string format = "auto";     // for line files
  bool json = false;
  bool csv = false;
  std::string min_level = "informational";
  std::vector<std::string> tags;
  unsigned threads = 0;  // matching threads; 0: one per core but one (the reader's)
};
int RunHunt(const HuntFlags& flags);

struct TemplatesFlags {
  std::vector<std::string> files;
  std::string format = "raw";  // a named header format (loghub's data sets) or a format string
  bool csv = false;
  bool content = false;      // also print the message the header parser found
  std::string state;         // load the miner's state from here first, save it back at the end
  double similarity = 0;     // 0: the miner's default
  size_t prefix_tokens = 0;  // 0: the miner's default
};
int RunTemplates(const TemplatesFlags& flags);

}  // namespace pantau
