// The registry of electronic systems (sistem elektronik) that the CSIRT watches: for each, who
// operates it (the PSE that gets the notification letter), where it is (URLs, host names, IP
// addresses and ranges), what it runs, how critical it is and whether it is in service. Kept in
// DATA/pantau.db; every change writes its entry in the audit trail (auth/audit.h) in the same
// transaction: system.create, system.update (each field from/to), system.delete, system.import.
//
// The registry also answers which system an event or alert concerns (SystemMatcher), from an
// immutable snapshot rebuilt after every change and swapped in, so detection reads it without
// touching the database.
//
// Thread-safety: all methods may be called from any thread (one connection behind a mutex);
// Matcher() hands out the current snapshot, which stays valid for as long as it is held.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/workflow.h"
#include "core/clock.h"
#include "core/status.h"
#include "monitor/system_matcher.h"
#include "store/sqlite/db.h"

namespace pantau {

struct SystemOperator {
  std::string agency;  // the OPD / agency that operates the system
  std::string head_name, head_title;
  std::vector<std::string> emails, phones, chat;
  bool operator==(const SystemOperator&) const = default;
};

struct SystemTechnology {
  std::string cms, cms_version, server;  // free text: "WordPress", "6.4.3", "nginx 1.22"
  bool operator==(const SystemTechnology&) const = default;
};

inline constexpr int64_t kDefaultCheckIntervalS = 300;
// Internal pages read per check besides the registered URLs (site_monitor.h); 0: none.
inline constexpr int64_t kDefaultCrawlPages = 20;
inline constexpr int64_t kMaxCrawlPages = 200;

struct ElectronicSystem {
  std::string id;
  std::string name;
  SystemOperator op;
  std::vector<std::string> urls, hosts, ips;
  SystemTechnology technology;
  std::string criticality = "medium";  // low, medium, high, vital
  std::string status = "active";       // active, maintenance, retired
  int64_t check_interval_s = kDefaultCheckIntervalS;
  int64_t crawl_pages = kDefaultCrawlPages;
  // Listed, by name with up/down and response time only, in the public status export.
  bool public_status = false;
  std::string created_by, updated_by;
  TimeNs created = 0, updated = 0;

  // {"id", "name", "operator": {"agency", "head_name", "head_title", "emails", "phones", "chat"},
  //  "urls", "hosts", "ips", "technology": {"cms", "cms_version", "server"}, "criticality",
  //  "status", "check_interval_s", "crawl_pages", "public_status", "created_by", "created",
  //  "updated_by", "updated"}
  std::string ToJson() const;
};

// Checks and normalises every field a person sets (id, dates and authors are ignored): trims
// text; lower-cases host names, e-mail domains and URL hosts; writes addresses and ranges in
// their canonical form; refuses duplicates within a list. Errors name the field and say why.
Result<ElectronicSystem> NormaliseSystem(ElectronicSystem system);

// Reads the API's JSON shape (the members of ToJson but id and the dates; every member but
// "name" and "operator.agency" may be left out). Unknown members are refused.
Result<ElectronicSystem> SystemFromJson(std::string_view json);

// One line of a CSV import that could not be used.
struct ImportProblem {
  int64_t line = 0;  // in the file, the header being line 1
  std::string message;
};

struct ImportResult {
  std::vector<ElectronicSystem> created, updated;
  std::vector<ImportProblem> problems;  // not empty: nothing was imported
};

class SystemRegistry {
 public:
  static Result<std::unique_ptr<SystemRegistry>> Open(const std::string& data_dir,
                                                      const Clock& clock);

  // By name, case-insensitively.
  Result<std::vector<ElectronicSystem>> List();
  Result<ElectronicSystem> Get(std::string_view id);
  // AlreadyExists when the name, a host name or an address is another system's (retired
  // systems keep theirs to themselves only for the name).
  Result<ElectronicSystem> Create(const ElectronicSystem& system, const Actor& actor);
  // Replaces every field a person sets.
  Result<ElectronicSystem> Update(std::string_view id, const ElectronicSystem& system,
                                  const Actor& actor);
  // FailedPrecondition while a case links the system (retire it instead); alerts that named it
  // name none afterwards.
  Status Delete(std::string_view id, const Actor& actor);

  // The registry as CSV (SystemsCsvHeader()), one system a line, by name.
  Result<std::string> ExportCsv();
  // Imports CSV with a header row naming columns of SystemsCsvHeader() (any order; `name` and
  // `agency` needed). A line whose `id` is given updates that system; one without an id updates
  // the system of the same name, or creates one. All lines or none: any problem (listed per
  // line, all of them) leaves the registry as it was.
  Result<ImportResult> ImportCsv(std::string_view csv, const Actor& actor);

  // The current matcher: active and maintenance systems (retired ones match nothing).
  std::shared_ptr<const SystemMatcher> Matcher() const;

 private:
  SystemRegistry(sqlite::Db db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
  Result<std::vector<ElectronicSystem>> ListLocked();
  Result<ElectronicSystem> GetLocked(int64_t id);
  // Writes one system (id 0: a new one) with its audit entry. REQUIRES: a write transaction.
  Result<int64_t> SaveLocked(int64_t id, ElectronicSystem system, const Actor& actor, TimeNs now,
                             std::string_view via);
  Status RebuildMatcherLocked();

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
  mutable std::mutex matcher_mu_;
  std::shared_ptr<const SystemMatcher> matcher_;  // GUARDED_BY(matcher_mu_)
};

// The columns of the CSV export and import, in the export's order. Lists are one cell with the
// items separated by "; ".
std::string_view SystemsCsvHeader();

}  // namespace pantau
