#include "monitor/registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "auth/audit.h"
#include "auth/users.h"
#include "cases/alerts.h"
#include "cases/cases.h"
#include "core/csv.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

const Actor kAdmin{"boss", Role::kAdmin};
const Actor kAnalyst{"budi", Role::kAnalyst};
constexpr TimeNs kStart = 1'772'323'200LL * kNsPerSecond;  // 2026-03-01T00:00:00Z

ElectronicSystem Portal() {
  ElectronicSystem s;
  s.name = " Portal Kukar ";
  s.op.agency = "Dinas Komunikasi dan Informatika";
  s.op.head_name = "Ir. Siti";
  s.op.head_title = "Kepala Dinas";
  s.op.emails = {"Admin@KUKARKAB.go.id", "admin@KUKARKAB.go.id"};
  s.op.phones = {"+62 541 661234"};
  s.op.chat = {"telegram: @kominfo_kukar"};
  s.urls = {"HTTPS://Portal.KukarKab.go.id/berita"};
  s.hosts = {"portal.kukarkab.go.id."};
  s.ips = {"10.20.30.40", "2001:DB8:5::/48"};
  s.technology = {"WordPress", "6.4.3", "nginx 1.22"};
  s.criticality = "high";
  return s;
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("pantau_registry_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto r = SystemRegistry::Open(dir_.string(), clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    registry_ = std::move(*r);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<AuditEntry> Audit(std::string_view object) {
    auto db = sqlite::OpenMainDb(dir_.string());
    return *ReadAuditOf(*db, object);
  }

  std::filesystem::path dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<SystemRegistry> registry_;
};

TEST_F(RegistryTest, CreatesNormalisedAndAudited) {
  auto s = registry_->Create(Portal(), kAdmin);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->id, "1");
  EXPECT_EQ(s->name, "Portal Kukar");
  EXPECT_EQ(s->op.emails, std::vector<std::string>{"admin@kukarkab.go.id"});
  EXPECT_EQ(s->urls, std::vector<std::string>{"https://portal.kukarkab.go.id/berita"});
  EXPECT_EQ(s->hosts, std::vector<std::string>{"portal.kukarkab.go.id"});
  EXPECT_EQ(s->ips, (std::vector<std::string>{"10.20.30.40", "2001:db8:5::/48"}));
  EXPECT_EQ(s->status, "active");
  EXPECT_EQ(s->check_interval_s, 300);
  EXPECT_EQ(s->created_by, "boss");
  EXPECT_EQ(s->created, kStart);
  const nlohmann::json j = nlohmann::json::parse(s->ToJson());
  EXPECT_EQ(j["operator"]["agency"], "Dinas Komunikasi dan Informatika");
  EXPECT_EQ(j["technology"]["cms_version"], "6.4.3");
  EXPECT_EQ(j["created"], "2026-03-01T00:00:00Z");

  const std::vector<AuditEntry> audit = Audit("system:1");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "system.create");
  EXPECT_EQ(audit[0].actor, "boss");
  EXPECT_EQ(nlohmann::json::parse(audit[0].details_json)["fields"]["ips"][1], "2001:db8:5::/48");
}

TEST_F(RegistryTest, EveryFieldIsCheckedWithItsNameAndWhy) {
  struct Case {
    std::function<void(ElectronicSystem&)> change;
    std::string message;
  };
  const Case cases[] = {
      {[](ElectronicSystem& s) { s.name = "  "; }, "name: required"},
      {[](ElectronicSystem& s) { s.name = "a\nb"; }, "name: at most 200 printable characters"},
      {[](ElectronicSystem& s) { s.name = "evil\u202Efdp.exe"; }, "name: at most 200 printable"},
      {[](ElectronicSystem& s) { s.op.agency = ""; }, "operator.agency: required"},
      {[](ElectronicSystem& s) { s.op.emails = {"admin"}; },
       "operator.emails: 'admin' is not an e-mail address (name@domain)"},
      {[](ElectronicSystem& s) { s.op.emails = {"a@localhost"}; },
       "operator.emails: 'a@localhost' has no valid domain"},
      {[](ElectronicSystem& s) { s.op.phones = {"call me"}; },
       "operator.phones: 'call me' is not a phone number"},
      {[](ElectronicSystem& s) { s.op.phones = {"123"}; }, "has 3 digits, not 5 to 15"},
      {[](ElectronicSystem& s) { s.urls = {"portal.kukarkab.go.id"}; },
       "urls: 'portal.kukarkab.go.id' is not an absolute URL: write it with http:// or https://"},
      {[](ElectronicSystem& s) { s.urls = {"javascript:alert(1)"}; }, "is not an absolute URL"},
      {[](ElectronicSystem& s) { s.urls = {"ftp://files.example/"}; },
       "is not an http:// or https:// URL"},
      {[](ElectronicSystem& s) { s.urls = {"https://a b/"}; }, "holds spaces or controls"},
      {[](ElectronicSystem& s) { s.urls = {"https://x.example:99999/"}; },
       "has a port that is not 1 to 65535"},
      {[](ElectronicSystem& s) { s.urls = {"https://u:p@x.example/"}; }, "user name or password"},
      {[](ElectronicSystem& s) { s.urls = {"https://bad_host!/"}; }, "has no valid host name"},
      {[](ElectronicSystem& s) { s.hosts = {"10.0.0.1"}; },
       "hosts: '10.0.0.1' is an IP address: list it under ips"},
      {[](ElectronicSystem& s) { s.hosts = {"*.kukarkab.go.id"}; }, "wildcards are not supported"},
      {[](ElectronicSystem& s) { s.hosts = {"-bad.example"}; }, "is not a host name"},
      {[](ElectronicSystem& s) { s.ips = {"10.0.0.300"}; },
       "ips: '10.0.0.300' is not an IPv4 or IPv6 address"},
      {[](ElectronicSystem& s) { s.ips = {"10.20.30.40/24"}; },
       "ips: '10.20.30.40/24' has host bits set: the range is 10.20.30.0/24"},
      {[](ElectronicSystem& s) { s.ips = {"0.0.0.0/0"}; }, "too broad for one system"},
      {[](ElectronicSystem& s) { s.criticality = "critical"; },
       "criticality: 'critical' is not one of low, medium, high, vital"},
      {[](ElectronicSystem& s) { s.status = "down"; },
       "status: 'down' is not one of active, maintenance, retired"},
      {[](ElectronicSystem& s) { s.check_interval_s = 5; },
       "check_interval_s: 5 is not 30 to 86400 seconds"},
      {[](ElectronicSystem& s) { s.op.chat = {"wa: 0812; grup"}; },
       "operator.chat: 'wa: 0812; grup' holds ';', which separates the items"},
      {[](ElectronicSystem& s) { s.technology.cms = std::string(201, 'x'); },
       "technology.cms: at most 200"},
  };
  for (const Case& c : cases) {
    ElectronicSystem s = Portal();
    c.change(s);
    auto r = registry_->Create(s, kAdmin);
    ASSERT_FALSE(r.ok()) << c.message;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.message;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << r.status().message() << "\nexpected: " << c.message;
  }
  EXPECT_TRUE(registry_->List()->empty()) << "nothing refused was stored";
}

TEST_F(RegistryTest, JsonShapeIsReadWithFieldErrors) {
  auto s = SystemFromJson(R"({"name": "Portal", "operator": {"agency": "Diskominfo",
      "emails": ["a@kukarkab.go.id"], "phones": []}, "urls": [], "hosts": [], "ips": ["10.0.0.1"],
      "criticality": "vital", "id": "7", "created": "ignored"})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->criticality, "vital");
  EXPECT_EQ(s->ips, std::vector<std::string>{"10.0.0.1"});
  const std::pair<std::string_view, std::string_view> bad[] = {
      {"[]", "body: expected a JSON object"},
      {R"({"operator": {"agency": "x"}})", "name: required"},
      {R"({"name": "x"})", "operator.agency: required"},
      {R"({"name": "x", "operator": {"agency": "x", "fax": "1"}})", "unknown member 'fax'"},
      {R"({"name": "x", "operator": {"agency": "x"}, "ips": "10.0.0.1"})",
       "ips: expected a list of strings"},
      {R"({"name": "x", "operator": {"agency": "x"}, "check_interval_s": "60"})",
       "check_interval_s: expected a whole number"},
      {R"({"name": "x", "operator": {"agency": "x"}, "owner": "x"})", "unknown member 'owner'"},
  };
  for (const auto& [json, why] : bad) {
    auto r = SystemFromJson(json);
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().message();
  }
}

TEST_F(RegistryTest, NamesHostsAndAddressesBelongToOneSystem) {
  ASSERT_TRUE(registry_->Create(Portal(), kAdmin).ok());
  ElectronicSystem other = Portal();
  other.name = "PORTAL KUKAR";
  other.hosts = {};
  other.ips = {};
  auto dup = registry_->Create(other, kAdmin);
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(), "name: 'PORTAL KUKAR' is already the name of system 1");

  other = Portal();
  other.name = "Mail";
  other.ips = {};
  dup = registry_->Create(other, kAdmin);
  EXPECT_EQ(dup.status().message(),
            "hosts: 'portal.kukarkab.go.id' is already registered to system 1 (Portal Kukar)");
  other.hosts = {};
  other.ips = {"10.20.30.40"};
  EXPECT_EQ(registry_->Create(other, kAdmin).status().code(), StatusCode::kAlreadyExists);
  // A range around another system's address is fine: the longest prefix decides.
  other.ips = {"10.20.0.0/16"};
  ASSERT_TRUE(registry_->Create(other, kAdmin).ok());
  // A retired system's addresses are free again.
  ElectronicSystem portal = *registry_->Get("1");
  portal.status = "retired";
  ASSERT_TRUE(registry_->Update("1", portal, kAdmin).ok());
  other = Portal();
  other.name = "Portal Baru";
  EXPECT_TRUE(registry_->Create(other, kAdmin).ok());
}

TEST_F(RegistryTest, UpdateRecordsWhatChangedAndTheMatcherFollows) {
  ASSERT_TRUE(registry_->Create(Portal(), kAdmin).ok());
  const std::shared_ptr<const SystemMatcher> before = registry_->Matcher();
  EXPECT_EQ(before->ForIp("10.20.30.40"), "1");
  EXPECT_EQ(before->ForUrl("https://portal.kukarkab.go.id/wp-admin"), "1");

  ElectronicSystem s = *registry_->Get("1");
  s.ips = {"10.20.30.41"};
  s.criticality = "vital";
  clock_.Advance(kNsPerSecond);
  auto updated = registry_->Update("1", s, kAdmin);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->criticality, "vital");
  EXPECT_EQ(updated->updated, kStart + kNsPerSecond);
  // The old snapshot stays as it was for whoever holds it; the new one has the change.
  EXPECT_EQ(before->ForIp("10.20.30.40"), "1");
  EXPECT_EQ(registry_->Matcher()->ForIp("10.20.30.40"), "");
  EXPECT_EQ(registry_->Matcher()->ForIp("10.20.30.41"), "1");

  const std::vector<AuditEntry> audit = Audit("system:1");
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].action, "system.update");
  const nlohmann::json changes = nlohmann::json::parse(audit[1].details_json)["changes"];
  EXPECT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes["criticality"]["from"], "high");
  EXPECT_EQ(changes["criticality"]["to"], "vital");
  // An update that changes nothing writes nothing.
  ASSERT_TRUE(registry_->Update("1", s, kAdmin).ok());
  EXPECT_EQ(Audit("system:1").size(), 2u);

  s.status = "retired";
  ASSERT_TRUE(registry_->Update("1", s, kAdmin).ok());
  EXPECT_EQ(registry_->Matcher()->ForIp("10.20.30.41"), "") << "retired systems match nothing";
  EXPECT_EQ(registry_->Update("9", s, kAdmin).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(registry_->Get("x").status().message(), "no system 'x' in the registry");
}

TEST_F(RegistryTest, DeleteIsRefusedWhileACaseLinksTheSystem) {
  ASSERT_TRUE(registry_->Create(Portal(), kAdmin).ok());
  auto alerts = AlertStore::Open(dir_.string(), clock_, std::chrono::seconds(300));
  ASSERT_TRUE(alerts.ok());
  AlertHit hit{"r1", "Rule", "high", {}, "web.access", "web01", kStart, "e1", "{}"};
  hit.system_id = "1";
  ASSERT_TRUE((*alerts)->Record(std::span(&hit, 1)).ok());
  EXPECT_EQ((*alerts)->Get("1")->system_id, "1");

  auto cases = CaseStore::Open(dir_.string(), clock_);
  ASSERT_TRUE(cases.ok());
  CaseFields f;
  f.title = "Judi online";
  f.system_ids = std::vector<std::string>{"1"};
  auto c = (*cases)->Create(f, kAnalyst);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Status refused = registry_->Delete("1", kAdmin);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("linked to case INS-2026-0001"), std::string::npos);

  CaseFields unlink;
  unlink.system_ids = std::vector<std::string>{};
  ASSERT_TRUE((*cases)->Update(c->id, unlink, kAnalyst).ok());
  ASSERT_TRUE(registry_->Delete("1", kAdmin).ok());
  EXPECT_EQ(registry_->Get("1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*alerts)->Get("1")->system_id, "") << "the alert names no system any more";
  EXPECT_EQ(registry_->Matcher()->ForIp("10.20.30.40"), "");
  EXPECT_EQ(Audit("system:1").back().action, "system.delete");
  EXPECT_EQ(registry_->Delete("1", kAdmin).code(), StatusCode::kNotFound);
}

TEST_F(RegistryTest, CsvRoundTrip) {
  ASSERT_TRUE(registry_->Create(Portal(), kAdmin).ok());
  ElectronicSystem mail = Portal();
  mail.name = "=Mail, \"Surat\"";
  mail.hosts = {"mail.kukarkab.go.id"};
  mail.ips = {};
  mail.urls = {};
  mail.op.chat = {"wa: +62 812 3456 7890", "grup TTIS, Kominfo"};
  ASSERT_TRUE(registry_->Create(mail, kAdmin).ok());
  auto csv = registry_->ExportCsv();
  ASSERT_TRUE(csv.ok());
  EXPECT_TRUE(csv->starts_with(std::string(SystemsCsvHeader()) + "\r\n"));
  EXPECT_NE(csv->find("\"'=Mail, \"\"Surat\"\"\""), std::string::npos) << *csv;

  // Into another, empty registry: the ids are this one's, so each line is refused by its id ...
  const std::string other = dir_.string() + "_copy";
  std::filesystem::remove_all(other);
  auto copy = SystemRegistry::Open(other, clock_);
  ASSERT_TRUE(copy.ok());
  auto refused = (*copy)->ImportCsv(*csv, kAdmin);
  ASSERT_TRUE(refused.ok());
  ASSERT_EQ(refused->problems.size(), 2u);
  EXPECT_NE(refused->problems[0].message.find("leave id empty to add a new system"),
            std::string::npos);
  // ... and without the id column every system comes over as it was.
  std::string without_ids;
  const auto records = ParseCsv(*csv, 100);
  ASSERT_TRUE(records.ok());
  for (const CsvRecord& r : *records) {
    for (size_t i = 1; i < r.cells.size(); ++i) {
      if (i > 1) without_ids += ',';
      AppendCsvCell(without_ids, r.cells[i]);
    }
    without_ids += "\r\n";
  }
  auto imported = (*copy)->ImportCsv(without_ids, kAdmin);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ASSERT_TRUE(imported->problems.empty()) << imported->problems[0].message;
  EXPECT_EQ(imported->created.size(), 2u);
  const std::vector<ElectronicSystem> a = *registry_->List(), b = *(*copy)->List();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].op, b[i].op);
    EXPECT_EQ(a[i].technology, b[i].technology);
    EXPECT_EQ(a[i].op.chat, b[i].op.chat);
  }
  copy->reset();
  std::filesystem::remove_all(other);
}

TEST_F(RegistryTest, ImportUpdatesByIdOrNameAndCreatesTheRest) {
  ASSERT_TRUE(registry_->Create(Portal(), kAdmin).ok());
  const std::string csv =
      "name,agency,ips,criticality\n"
      "portal kukar,Diskominfo,10.20.30.40,\n"  // by name: agency and ips change, high stays
      "SIPD,Bappeda,\"10.9.0.0/16; 2001:db8:9::/48\",vital\n";
  auto r = registry_->ImportCsv(csv, kAdmin);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->problems.empty()) << r->problems[0].message;
  ASSERT_EQ(r->updated.size(), 1u);
  ASSERT_EQ(r->created.size(), 1u);
  EXPECT_EQ(r->updated[0].op.agency, "Diskominfo");
  EXPECT_EQ(r->updated[0].criticality, "high");
  EXPECT_EQ(r->updated[0].hosts, std::vector<std::string>{"portal.kukarkab.go.id"});
  EXPECT_EQ(r->created[0].ips, (std::vector<std::string>{"10.9.0.0/16", "2001:db8:9::/48"}));
  EXPECT_EQ(r->created[0].criticality, "vital");
  EXPECT_EQ(registry_->Matcher()->ForIp("10.9.1.1"), r->created[0].id);
  const nlohmann::json details = nlohmann::json::parse(Audit("system:2")[0].details_json);
  EXPECT_EQ(details["via"], "csv import");

  // Export, then import the export: nothing changes.
  const std::string exported = *registry_->ExportCsv();
  auto again = registry_->ImportCsv(exported, kAdmin);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->problems.empty()) << again->problems[0].message;
  EXPECT_EQ(again->updated.size(), 2u);
  EXPECT_EQ(*registry_->ExportCsv(), exported);
  EXPECT_EQ(Audit("system:1").size(), 2u) << "no entry for a line that changes nothing";
}

TEST_F(RegistryTest, ImportIsAllOrNothingWithEveryProblemByLine) {
  ASSERT_TRUE(registry_->Create(Portal(), kAdmin).ok());
  const std::string csv =
      "name,agency,ips,urls,id\n"
      "Baru,Dinas A,10.1.0.0/16,,\n"
      "\"Dua\nbaris\",Dinas B,,,\n"
      "Tanpa dinas,,,,\n"
      "Baru,Dinas C,,,\n"
      "Portal,Dinas D,,portal.example,\n"
      "X,Dinas E,,,42\n"
      "Y,Dinas F,10.20.30.40,,\n"
      "Z,Dinas G,10.0.0.300,,\n";
  auto r = registry_->ImportCsv(csv, kAdmin);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->problems.size(), 7u);
  EXPECT_EQ(r->problems[0].line, 3);
  EXPECT_EQ(r->problems[0].message, "name: at most 200 printable characters on one line");
  EXPECT_EQ(r->problems[1].line, 5);
  EXPECT_EQ(r->problems[1].message, "operator.agency: required");
  EXPECT_EQ(r->problems[2].line, 6);
  EXPECT_EQ(r->problems[2].message, "name: 'Baru' is on line 2 too");
  EXPECT_EQ(r->problems[3].line, 7);
  EXPECT_NE(r->problems[3].message.find("urls: 'portal.example' is not an absolute URL"),
            std::string::npos);
  EXPECT_EQ(r->problems[4].line, 8);
  EXPECT_EQ(r->problems[4].message,
            "id: no system '42' in the registry (leave id empty to add a new system)");
  EXPECT_EQ(r->problems[5].line, 9);
  EXPECT_NE(r->problems[5].message.find("already registered to system 1"), std::string::npos);
  EXPECT_EQ(r->problems[6].line, 10);
  EXPECT_EQ(r->problems[6].message,
            "ips: '10.0.0.300' is not an IPv4 or IPv6 address (nor a range such as 192.0.2.0/24)");
  EXPECT_TRUE(r->created.empty());
  EXPECT_EQ(registry_->List()->size(), 1u) << "nothing imported";
  EXPECT_EQ(registry_->Matcher()->ForIp("10.1.2.3"), "");
  EXPECT_EQ(Audit("system:2").size(), 0u);

  EXPECT_EQ(registry_->ImportCsv("", kAdmin).status().message(),
            "line 1: the file is empty: a header row is needed");
  EXPECT_NE(registry_->ImportCsv("name,agency,owner\n", kAdmin)
                .status()
                .message()
                .find("line 1: unknown column 'owner'"),
            std::string::npos);
  EXPECT_EQ(registry_->ImportCsv("name,ips\n", kAdmin).status().message(),
            "line 1: the header has no 'agency' column");
}

// A case that affects vital information infrastructure must be reported within 24 hours of its
// opening, whatever the step standards add up to.
TEST_F(RegistryTest, VitalSystemGivesTheCaseA24HourReportingDeadline) {
  ElectronicSystem vital = Portal();
  vital.criticality = "vital";
  ASSERT_TRUE(registry_->Create(vital, kAdmin).ok());
  ElectronicSystem other = Portal();
  other.name = "Blog";
  other.hosts = {};
  other.ips = {};
  ASSERT_TRUE(registry_->Create(other, kAdmin).ok());

  auto cases = CaseStore::Open(dir_.string(), clock_);
  ASSERT_TRUE(cases.ok());
  CaseFields f;
  f.title = "Defacement";
  f.system_ids = std::vector<std::string>{"2"};
  auto plain = (*cases)->Create(f, kAnalyst);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->reporting_due, 0);
  EXPECT_EQ(nlohmann::json::parse(plain->ToJson(kStart, true))["sla"]["reporting"], nullptr);

  f.system_ids = std::vector<std::string>{"2", "1"};
  auto c = (*cases)->Create(f, kAnalyst);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->reporting_due, kStart + 24 * 3600 * kNsPerSecond);
  nlohmann::json sla = nlohmann::json::parse(c->ToJson(kStart, true))["sla"];
  EXPECT_EQ(sla["reporting"]["standard_minutes"], 1440);
  EXPECT_EQ(sla["reporting"]["due"], "2026-03-02T00:00:00Z");
  EXPECT_EQ(sla["reporting"]["overdue"], false);
  EXPECT_EQ(sla["standard_minutes"], 180) << "the step's own standard stays";

  // A day later, still not reported: the case is overdue, and the list says so.
  clock_.Advance(25 * 3600 * kNsPerSecond);
  ASSERT_TRUE((*cases)->Act(c->id, CaseAction::kInvestigate, "", kAnalyst).ok());
  ASSERT_TRUE((*cases)->Act(plain->id, CaseAction::kInvestigate, "", kAnalyst).ok());
  auto late = (*cases)->Get(c->id);
  sla = nlohmann::json::parse(late->ToJson(clock_.Now(), true))["sla"];
  EXPECT_EQ(sla["reporting"]["overdue"], true);
  EXPECT_EQ(sla["reporting"]["left_seconds"], -3600);
  EXPECT_EQ(sla["overdue"], true);
  EXPECT_EQ(sla["standard_minutes"], 1440);
  CaseQuery overdue;
  overdue.overdue = true;
  auto page = (*cases)->List(overdue);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->total, 1);
  EXPECT_EQ(page->items[0].id, c->id);
  EXPECT_EQ(nlohmann::json::parse(
                page->items[0].ToJson(clock_.Now(), false))["sla"]["reporting"]["overdue"],
            true);

  // Without the vital system the deadline goes; with it again it is the same deadline.
  CaseFields change;
  change.system_ids = std::vector<std::string>{"2"};
  EXPECT_EQ((*cases)->Update(c->id, change, kAnalyst)->reporting_due, 0);
  change.system_ids = std::vector<std::string>{"1"};
  EXPECT_EQ((*cases)->Update(c->id, change, kAnalyst)->reporting_due,
            kStart + 24 * 3600 * kNsPerSecond);
}

TEST_F(RegistryTest, CasesLinkOnlyRegisteredSystems) {
  ASSERT_TRUE(registry_->Create(Portal(), kAdmin).ok());
  auto cases = CaseStore::Open(dir_.string(), clock_);
  ASSERT_TRUE(cases.ok());
  CaseFields f;
  f.title = "x";
  f.system_ids = std::vector<std::string>{"1", "7"};
  auto c = (*cases)->Create(f, kAnalyst);
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "system_ids: no system '7' in the registry");
  f.system_ids = std::vector<std::string>{"1"};
  c = (*cases)->Create(f, kAnalyst);
  ASSERT_TRUE(c.ok());
  CaseFields change;
  change.system_ids = std::vector<std::string>{"portal"};
  EXPECT_EQ((*cases)->Update(c->id, change, kAnalyst).status().message(),
            "system_ids: no system 'portal' in the registry");
}

}  // namespace
}  // namespace pantau
