#include "app/cli.h"

#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <vector>

#include "app/commands.h"

namespace pantau {

int Fail(const Status& status) {
  std::cerr << "pantau: " << status.message() << "\n";
  return status.code() == StatusCode::kInvalidArgument || status.code() == StatusCode::kNotFound ||
                 status.code() == StatusCode::kAlreadyExists
             ? kExitUsage
             : kExitFailure;
}

std::string CliActor() {
  // The effective user, as the kernel knows it: the account whose rights opened the data
  // directory. Not $USER, which anyone can set.
  const uid_t uid = geteuid();
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return "cli:" + std::string(found->pw_name);
  }
  return "cli:uid-" + std::to_string(uid);
}

namespace {

// Flags shared by every subcommand that touches the data directory.
struct CommonFlags {
  std::string config_file;
  std::string data_dir;
};

void AddCommon(CLI::App& cmd, CommonFlags& f) {
  cmd.add_option("--config", f.config_file, "YAML configuration file");
  cmd.add_option("--data", f.data_dir, "data directory (default ./var)");
}

// Config from the file, then the flags over it.
Result<Config> LoadConfig(const CommonFlags& f) {
  Config c;
  if (!f.config_file.empty()) RETURN_IF_ERROR(LoadConfigFile(f.config_file, c));
  if (!f.data_dir.empty()) c.data_dir = f.data_dir;
  return c;
}

}  // namespace

Result<std::unique_ptr<EventStore>> OpenStore(const Config& config, const Clock& clock) {
  return OpenSqliteEventStore(
      {config.data_dir, config.store.retention_days, config.store.sync_full, &clock});
}

PipelineOptions PipelineOptionsFrom(const Config& config) {
  PipelineOptions o;
  o.queue_bytes = config.ingest.queue_bytes;
  o.batch_events = config.store.batch_events;
  return o;
}

Result<std::unique_ptr<anomaly::TemplateIndex>> OpenTemplateIndex(const Config& config) {
  if (!config.templates.enabled) return std::unique_ptr<anomaly::TemplateIndex>();
  anomaly::TemplateIndexOptions o;
  o.max_datasets = config.templates.max_datasets;
  o.miner.max_templates = config.templates.max_templates;
  o.miner.max_bytes = config.templates.max_bytes;
  o.max_rows = config.templates.max_rows;
  return anomaly::TemplateIndex::Open(config.data_dir, o);
}

int RunCli(int argc, char** argv) {
  CLI::App app{"Pantau: security monitoring and incident desk for a government CSIRT"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "pantau 0.1.0");

  CommonFlags common;
  // serve
  auto* serve = app.add_subcommand("serve", "run listeners, pipeline, store and the HTTP API");
  AddCommon(*serve, common);
  std::string http, syslog;
  serve->add_option("--http", http, "HTTP address ADDR:PORT (default 127.0.0.1:8080)");
  serve->add_option("--syslog", syslog,
                    "syslog UDP and TCP address ADDR:PORT (default 127.0.0.1:5514; port 0 picks "
                    "free ports, written to DATA/ports.json)");
  ServeFlags serve_flags;
  serve->add_flag("--demo", serve_flags.demo,
                  "also feed a generated stream of fake but realistic logs (FortiGate, Linux auth, "
                  "web access, Windows logons, with attacks) to see dashboard, alerts and search "
                  "at work; not for a data directory with real data");
  // import
  auto* import = app.add_subcommand("import", "decode and store log files (plain or .gz)");
  AddCommon(*import, common);
  ImportFlags import_flags;
  import->add_option("--format", import_flags.format,
                     "auto, syslog, json, fortigate, cef, web, suricata, raw (default auto)");
  import->add_option("files", import_flags.files, "log files")->required();
  // search
  auto* search = app.add_subcommand("search", "show stored events matching a query, newest first");
  AddCommon(*search, common);
  SearchFlags search_flags;
  search->add_option("query", search_flags.query,
                     "e.g. user.name:root AND source.ip:10.0.0.0/8 \"failed password\" "
                     "(docs/query-language.md)");
  search->add_option("--from", search_flags.from, "RFC 3339 time or now-15m, inclusive");
  search->add_option("--to", search_flags.to, "RFC 3339 time or now-15m, exclusive");
  search->add_option("--limit", search_flags.limit, "most events to show (default 20)");
  auto* json_flag = search->add_flag("--json", search_flags.json, "one JSON event per line");
  search->add_flag("--csv", search_flags.csv, "CSV with a header line")->excludes(json_flag);
  auto* saved = search->add_option("--saved", search_flags.saved,
                                   "run a saved search (needs --user), e.g. --saved 'SSH gagal'");
  search->add_option("--user", search_flags.user, "whose saved search")->needs(saved);
  saved->needs(search->get_option("--user"));
  search->add_option("--fields", search_flags.fields,
                     "CSV columns, e.g. @timestamp,source.ip,user.name,message");
  // apikey
  auto* apikey = app.add_subcommand("apikey", "manage API keys for machines");
  apikey->require_subcommand(1);
  ApiKeyFlags key_flags;
  auto* create = apikey->add_subcommand("create", "create a key and print it once");
  AddCommon(*create, common);
  create->add_option("name", key_flags.name, "a name for the key, e.g. the sender")->required();
  create->add_option("--scope", key_flags.scopes, "what the key may do: ingest, search, triage")
      ->required();
  auto* list = apikey->add_subcommand("list", "list keys (never their secrets)");
  AddCommon(*list, common);
  auto* disable = apikey->add_subcommand("disable", "disable a key");
  AddCommon(*disable, common);
  disable->add_option("name", key_flags.name, "the key's name")->required();

  // user
  auto* user = app.add_subcommand("user", "manage the people who log in");
  user->require_subcommand(1);
  UserFlags user_flags;
  auto* user_add = user->add_subcommand("add", "add a user (a new password is printed once)");
  AddCommon(*user_add, common);
  user_add->add_option("name", user_flags.name, "the user's name")->required();
  user_add->add_option("--role", user_flags.role, "analyst, coordinator, head or admin")
      ->required();
  auto* user_list = user->add_subcommand("list", "list users");
  AddCommon(*user_list, common);
  auto* user_passwd = user->add_subcommand("passwd", "set a new password (printed once)");
  AddCommon(*user_passwd, common);
  user_passwd->add_option("name", user_flags.name, "the user's name")->required();
  auto* user_disable = user->add_subcommand("disable", "disable a user and end their sessions");
  AddCommon(*user_disable, common);
  user_disable->add_option("name", user_flags.name, "the user's name")->required();
  auto* user_reset_2fa = user->add_subcommand(
      "reset-2fa", "remove a user's second factor (a lost phone): the password alone works again");
  AddCommon(*user_reset_2fa, common);
  user_reset_2fa->add_option("name", user_flags.name, "the user's name")->required();
  auto* user_require_2fa = user->add_subcommand(
      "require-2fa", "make a second factor mandatory for a role (--off: optional again)");
  AddCommon(*user_require_2fa, common);
  user_require_2fa->add_option("role", user_flags.name, "analyst, coordinator, head or admin")
      ->required();
  user_require_2fa->add_flag("--off", user_flags.off, "make it optional again");
  for (auto* cmd : {user_add, user_passwd}) {
    cmd->add_flag("--password-stdin", user_flags.password_stdin,
                  "read the password from standard input instead of making one");
  }
  // audit
  auto* audit = app.add_subcommand("audit", "the audit trail of cases and settings");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand(
      "verify",
      "check the audit trail's hash chain: exit 0 when intact, 1 naming the first broken entry");
  AddCommon(*audit_verify, common);
  // cert
  auto* cert = app.add_subcommand("cert", "certificates that sign the SOP's documents");
  cert->require_subcommand(1);
  CertFlags cert_flags;
  auto* cert_dev = cert->add_subcommand(
      "dev", "make a self-signed trial certificate for a signer (not a certified BSrE one)");
  AddCommon(*cert_dev, common);
  cert_dev->add_option("--user", cert_flags.user, "the account that signs, e.g. kepala")
      ->required();
  cert_dev->add_option("--name", cert_flags.full_name,
                       "the name the certificate carries (default: documents.signers or the user)");
  // hunt
  auto* hunt = app.add_subcommand("hunt", "run Sigma rules over log files, without a server");
  HuntFlags hunt_flags;
  auto add_rule_flags = [](CLI::App& cmd, RuleFlags& f) {
    cmd.add_option("--logsources", f.logsource_files,
                   "extra log source map (YAML, as src/detect/sigma/logsources.yaml)")
        ->allow_extra_args(false);
    cmd.add_option("--placeholders", f.placeholders_file,
                   "values of the placeholders of `expand` (YAML: name: [values])");
  };
  hunt->add_option("--rules", hunt_flags.rules.rule_paths,
                   "Sigma rule file or folder; give --rules again for more")
      ->required()
      ->allow_extra_args(false);
  add_rule_flags(*hunt, hunt_flags.rules);
  hunt->add_option("files", hunt_flags.files,
                   "EVTX, JSON, JSON lines or any log format, plain or .gz; folders recursively")
      ->required();
  hunt->add_option("--format", hunt_flags.format, "format of line files (default auto)");
  auto* hunt_json = hunt->add_flag("--json", hunt_flags.json, "one JSON match per line");
  hunt->add_flag("--csv", hunt_flags.csv, "CSV with a header line")->excludes(hunt_json);
  hunt->add_option("--level", hunt_flags.min_level,
                   "lowest level shown: informational, low, medium, high, critical");
  hunt->add_option("--threads", hunt_flags.threads,
                   "matching threads (default: one per core but one, which reads)");
  hunt->add_option("--tags", hunt_flags.tags, "only rules with one of these tags (or under them)")
      ->delimiter(',');
  // templates
  auto* templates = app.add_subcommand(
      "templates", "the log template of every line of log files (docs/anomaly.md)");
  TemplatesFlags templates_flags;
  templates->add_option("files", templates_flags.files, "log files, read in order")->required();
  templates->add_flag("--csv", templates_flags.csv,
                      "CSV with a header line: file,line,template_id,template");
  templates->add_option("--format", templates_flags.format,
                        "header of the lines: raw (default; the whole line is the message), "
                        "hdfs, hadoop, spark, bgl, hpc, windows, linux, apache, openssh, "
                        "openstack, or a format such as '<Date> <Time> <Level>: <Content>'");
  templates->add_flag("--content", templates_flags.content,
                      "also print the message the header format found");
  templates->add_option("--state", templates_flags.state,
                        "the miner's state file: read first when it exists, written at the end");
  templates->add_option("--similarity", templates_flags.similarity,
                        "least share of equal tokens to join a template (default 0.7)");
  templates->add_option("--prefix-tokens", templates_flags.prefix_tokens,
                        "leading tokens that choose the tree's leaf (default 2)");
  // rules
  auto* rules = app.add_subcommand("rules", "work with Sigma rules");
  rules->require_subcommand(1);
  RuleFlags check_flags;
  auto* check = rules->add_subcommand("check", "report every rule that cannot be used, and why");
  check->add_option("paths", check_flags.rule_paths, "Sigma rule files or folders")->required();
  add_rule_flags(*check, check_flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  auto config = LoadConfig(common);
  if (!config.ok()) return Fail(config.status());

  if (serve->parsed()) {
    if (!http.empty()) {
      auto a = ParseListenAddress(http, "--http");
      if (!a.ok()) return Fail(a.status());
      config->http = *a;
    }
    if (!syslog.empty()) {
      auto a = ParseListenAddress(syslog, "--syslog");
      if (!a.ok()) return Fail(a.status());
      config->syslog.udp = *a;
      config->syslog.tcp = *a;
    }
    return RunServe(*config, serve_flags);
  }
  if (import->parsed()) return RunImport(*config, import_flags);
  if (search->parsed()) return RunSearch(*config, search_flags);
  if (hunt->parsed()) return RunHunt(hunt_flags);
  if (templates->parsed()) return RunTemplates(templates_flags);
  for (auto* sub :
       {user_add, user_list, user_passwd, user_disable, user_reset_2fa, user_require_2fa}) {
    if (sub->parsed()) {
      user_flags.action = sub->get_name();
      return RunUser(*config, user_flags);
    }
  }
  if (check->parsed()) return RunRulesCheck(check_flags);
  if (audit_verify->parsed()) return RunAuditVerify(*config);
  if (cert_dev->parsed()) return RunCertDev(*config, cert_flags);
  for (auto* sub : {create, list, disable}) {
    if (sub->parsed()) key_flags.action = sub->get_name();
  }
  return RunApiKey(*config, key_flags);
}

}  // namespace pantau
