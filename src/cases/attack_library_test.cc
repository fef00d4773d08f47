#include "cases/attack_library.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "auth/audit.h"
#include "cases/attack_library_yaml.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

std::vector<AttackEntry> Builtin() {
  auto entries = ParseAttackLibrary(BuiltinAttackLibraryYaml(), "attack_library.yaml");
  EXPECT_TRUE(entries.ok()) << entries.status().ToString();
  return entries.ok() ? *entries : std::vector<AttackEntry>{};
}

const AttackEntry* Find(const std::vector<AttackEntry>& entries, std::string_view id) {
  for (const AttackEntry& e : entries) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

TEST(AttackLibraryFileTest, ParsesWithAtLeastFortyWholeEntries) {
  const std::vector<AttackEntry> entries = Builtin();
  EXPECT_GE(entries.size(), 40u);
  std::set<std::string> ids;
  for (const AttackEntry& e : entries) {
    SCOPED_TRACE(e.id);
    EXPECT_TRUE(ids.insert(e.id).second);
    EXPECT_TRUE(ValidateAttackEntry(e).ok()) << ValidateAttackEntry(e).ToString();
    // Both languages of every field, and not one copied into the other.
    for (const LocalizedText* t : {&e.name, &e.description}) {
      EXPECT_FALSE(t->id.empty());
      EXPECT_FALSE(t->en.empty());
    }
    EXPECT_NE(e.description.id, e.description.en);
    for (const LocalizedList* l : {&e.indicators, &e.mitigations}) {
      EXPECT_FALSE(l->id.empty());
      EXPECT_FALSE(l->en.empty());
      EXPECT_EQ(l->id.size(), l->en.size()) << "the same points in both languages";
    }
    if (e.IsTechnique()) {
      std::string path = e.id.substr(1);
      std::replace(path.begin(), path.end(), '.', '/');
      EXPECT_EQ(e.url, "https://attack.mitre.org/techniques/T" + path + "/");
    }
    EXPECT_EQ(e.source, "builtin");
  }
}

TEST(AttackLibraryFileTest, CoversWhatTheTeamMeetsMost) {
  const std::vector<AttackEntry> entries = Builtin();
  // Every incident type a case can have (but "other"), and the techniques of issue 6.
  for (const char* id : {"web_defacement",
                         "gambling_injection",
                         "malware",
                         "ddos",
                         "phishing",
                         "unauthorized_access",
                         "data_leak",
                         "webshell",
                         "brute_force",
                         "sql_injection",
                         "xss",
                         "path_traversal",
                         "dns_hijack",
                         "T1505.003",
                         "T1190",
                         "T1110",
                         "T1110.001",
                         "T1110.003",
                         "T1110.004",
                         "T1078",
                         "T1566",
                         "T1566.001",
                         "T1566.002",
                         "T1059",
                         "T1486",
                         "T1491",
                         "T1491.002",
                         "T1498",
                         "T1499",
                         "T1041",
                         "T1567",
                         "T1003",
                         "T1136",
                         "T1021",
                         "T1053",
                         "T1105",
                         "T1027",
                         "T1036",
                         "T1070",
                         "T1189",
                         "T1195",
                         "T1496"}) {
    EXPECT_NE(Find(entries, id), nullptr) << id;
  }
  const AttackEntry* t1110 = Find(entries, "T1110");
  ASSERT_NE(t1110, nullptr);
  EXPECT_EQ(t1110->name.en, "Brute Force");
  EXPECT_EQ(t1110->url, "https://attack.mitre.org/techniques/T1110/");
}

TEST(AttackLibraryFileTest, RefusesBrokenFilesWithTheLine) {
  auto parse = [](std::string_view yaml) { return ParseAttackLibrary(yaml, "lib.yaml"); };
  const std::string whole = R"(entries:
  - id: T1110
    url: https://attack.mitre.org/techniques/T1110/
    name: {id: Brute force, en: Brute Force}
    description: {id: Menebak kata sandi, en: Guessing passwords}
    indicators: {id: [Banyak gagal login], en: [Many failed logins]}
    mitigations: {id: [MFA], en: [MFA]}
)";
  ASSERT_TRUE(parse(whole).ok()) << parse(whole).status().ToString();

  auto error = [&](std::string yaml) {
    auto r = parse(yaml);
    EXPECT_FALSE(r.ok()) << yaml;
    return r.ok() ? std::string() : r.status().message();
  };
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string y = whole;
    y.replace(y.find(from), from.size(), to);
    return y;
  };
  EXPECT_NE(error(replaced("en: Brute Force", "ms: Brute Force")).find("lib.yaml:4:"),
            std::string::npos);
  EXPECT_NE(error(replaced("{id: Brute force, en: Brute Force}", "{id: Brute force}"))
                .find("needs both id (Indonesian) and en"),
            std::string::npos);
  EXPECT_NE(error(replaced("    mitigations: {id: [MFA], en: [MFA]}\n", "")).find("mitigations"),
            std::string::npos);
  EXPECT_NE(error(replaced("en: [MFA]", "en: []")).find("mitigations.en: 1 to 30 items"),
            std::string::npos);
  EXPECT_NE(error(replaced("    url: https://attack.mitre.org/techniques/T1110/\n", ""))
                .find("a technique needs its ATT&CK page"),
            std::string::npos);
  EXPECT_NE(error(replaced("https://attack", "javascript://attack")).find("url: an https://"),
            std::string::npos);
  EXPECT_NE(error(replaced("id: T1110\n", "id: Brute Force!\n")).find("neither an ATT&CK"),
            std::string::npos);
  EXPECT_NE(error(whole + whole.substr(whole.find("  - id"))).find("entry 'T1110' again"),
            std::string::npos);
  EXPECT_NE(error(replaced("    name:", "    related: [T9999]\n    name:"))
                .find("related 'T9999' is not an entry"),
            std::string::npos);
  EXPECT_NE(error("entries: [\n").find("lib.yaml:"), std::string::npos);
}

class AttackLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pantau_attack_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto lib = AttackLibrary::Open(dir_.string(), clock_);
    ASSERT_TRUE(lib.ok()) << lib.status().ToString();
    lib_ = std::move(*lib);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<AuditEntry> Audit(std::string_view object) {
    auto db = sqlite::OpenMainDb(dir_.string());
    return *ReadAuditOf(*db, object);
  }

  std::filesystem::path dir_;
  ManualClock clock_{*MakeTime(2026, 3, 1, 0, 0, 0)};
  std::unique_ptr<AttackLibrary> lib_;
  const Actor boss_{"boss", Role::kAdmin};
};

TEST_F(AttackLibraryTest, ListsAndGetsTheBuiltInEntries) {
  auto all = lib_->List();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), lib_->builtin_count());
  EXPECT_FALSE(all->front().IsTechnique());  // incident types first
  EXPECT_TRUE(all->back().IsTechnique());
  auto e = lib_->Get("t1110.001");  // technique ids in any case
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->id, "T1110.001");
  EXPECT_EQ(lib_->Get("T9999").status().code(), StatusCode::kNotFound);

  const nlohmann::json j = nlohmann::json::parse(e->ToJson());
  EXPECT_EQ(j["kind"], "technique");
  EXPECT_TRUE(j["name"]["id"].is_string());
  EXPECT_TRUE(j["indicators"]["en"].is_array());
  EXPECT_EQ(j["source"], "builtin");
  EXPECT_TRUE(j["updated_by"].is_null());
  EXPECT_EQ(nlohmann::json::parse(lib_->Get("gambling_injection")->ToJson())["kind"], "incident");
}

TEST_F(AttackLibraryTest, AnAdminOverridesFieldsOverTheDefault) {
  const AttackEntry before = *lib_->Get("T1110");
  AttackEntryPatch p;
  p.mitigations = LocalizedList{{"Blokir IP di FortiGate", "Wajibkan MFA di SSL-VPN"},
                                {"Block the IPs on the FortiGate", "Require MFA on the SSL-VPN"}};
  clock_.Advance(kNsPerSecond);
  auto after = lib_->Put("T1110", p, boss_);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->mitigations, *p.mitigations);
  EXPECT_EQ(after->description, before.description);  // what was not set keeps the default
  EXPECT_EQ(after->source, "override");
  EXPECT_EQ(after->updated_by, "boss");
  EXPECT_EQ(after->updated, clock_.Now());
  EXPECT_EQ(lib_->Get("T1110")->mitigations, *p.mitigations);
  const std::vector<AttackEntry> listed = *lib_->List();
  for (const AttackEntry& e : listed) {
    if (e.id == "T1110") {
      EXPECT_EQ(e.source, "override");
    }
  }

  // A second change adds to the first.
  AttackEntryPatch name;
  name.name = LocalizedText{"Brute force (tebak kredensial)", "Brute Force"};
  auto twice = lib_->Put("T1110", name, boss_);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->mitigations, *p.mitigations);
  EXPECT_EQ(twice->name.id, "Brute force (tebak kredensial)");

  // Another library on the same data (another server process) sees it.
  auto other = AttackLibrary::Open(dir_.string(), clock_);
  EXPECT_EQ((*other)->Get("T1110")->name.id, "Brute force (tebak kredensial)");

  const auto audit = Audit("attack:T1110");
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "attack.update");
  EXPECT_EQ(audit[0].actor, "boss");
  const nlohmann::json d = nlohmann::json::parse(audit[0].details_json);
  EXPECT_EQ(d["changes"]["mitigations"]["id"][0], "Blokir IP di FortiGate");
  EXPECT_EQ(d["source"], "override");

  // Back to the default.
  auto reset = lib_->Reset("T1110", boss_);
  ASSERT_TRUE(reset.ok()) << reset.status().ToString();
  ASSERT_TRUE(reset->has_value());
  EXPECT_EQ((*reset)->mitigations, before.mitigations);
  EXPECT_EQ((*reset)->source, "builtin");
  EXPECT_EQ(lib_->Reset("T1110", boss_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Audit("attack:T1110").back().action, "attack.reset");
}

TEST_F(AttackLibraryTest, RefusesChangesThatLeaveTheEntryIncomplete) {
  AttackEntryPatch half;
  half.description = LocalizedText{"Hanya bahasa Indonesia", ""};
  auto r = lib_->Put("T1110", half, boss_);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("description.en"), std::string::npos);
  AttackEntryPatch url;
  url.url = "javascript:alert(1)";
  EXPECT_EQ(lib_->Put("T1110", url, boss_).status().code(), StatusCode::kInvalidArgument);
  url.url = "";
  EXPECT_NE(lib_->Put("T1110", url, boss_).status().message().find("ATT&CK page"),
            std::string::npos);
  EXPECT_EQ(lib_->Put("T1110", AttackEntryPatch{}, boss_).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(lib_->Put("../etc", half, boss_).status().code(), StatusCode::kInvalidArgument);
  // Nothing was stored or audited.
  EXPECT_EQ(lib_->Get("T1110")->source, "builtin");
  EXPECT_TRUE(Audit("attack:T1110").empty());
}

TEST_F(AttackLibraryTest, AnAdminAddsAnEntryOfTheirOwn) {
  AttackEntryPatch p;
  p.name = LocalizedText{"Penyalahgunaan API SIAKAD", "SIAKAD API abuse"};
  auto partial = lib_->Put("siakad_api_abuse", p, boss_);
  EXPECT_EQ(partial.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(partial.status().message().find("needs every field"), std::string::npos);
  p.description = LocalizedText{"Pengambilan data massal lewat API.", "Bulk data pulls via API."};
  p.indicators = LocalizedList{{"Ribuan permintaan per menit"}, {"Thousands of requests a minute"}};
  p.mitigations = LocalizedList{{"Rate limit"}, {"Rate limits"}};
  auto added = lib_->Put("siakad_api_abuse", p, boss_);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->source, "custom");
  EXPECT_EQ(lib_->List()->size(), lib_->builtin_count() + 1);
  ASSERT_TRUE(lib_->Reset("siakad_api_abuse", boss_).ok());
  EXPECT_EQ(lib_->Get("siakad_api_abuse").status().code(), StatusCode::kNotFound);
}

TEST_F(AttackLibraryTest, GivesACaseItsEntries) {
  const std::vector<std::string> techniques = {"T1110.001", "T1110.002", "T1505.003", "T9999",
                                               "T1110"};
  auto ref = lib_->ForCase(techniques, "brute_force");
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  std::vector<std::pair<std::string, std::string>> got;
  for (const AttackMatch& m : ref->items) got.emplace_back(m.entry.id, m.matched_by);
  // T1110.002 has no entry of its own; its parent T1110 is there by itself already.
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{{"brute_force", "incident_type"},
                                                                   {"T1110.001", "technique"},
                                                                   {"T1505.003", "technique"},
                                                                   {"T1110", "technique"}}));
  EXPECT_EQ(ref->missing, std::vector<std::string>{"T9999"});

  auto parent = lib_->ForCase(std::vector<std::string>{"T1059.006"}, "other");
  ASSERT_TRUE(parent.ok());
  ASSERT_EQ(parent->items.size(), 1u);
  EXPECT_EQ(parent->items[0].entry.id, "T1059");
  EXPECT_EQ(parent->items[0].matched_by, "parent_technique");
  EXPECT_EQ(parent->items[0].matched, "T1059.006");
  const nlohmann::json j = nlohmann::json::parse(parent->ToJson());
  EXPECT_EQ(j["total"], 1);
  EXPECT_EQ(j["items"][0]["matched_by"], "parent_technique");
  EXPECT_EQ(j["items"][0]["id"], "T1059");
  EXPECT_TRUE(j["missing"].empty());

  // An admin's change shows in the case's reference.
  AttackEntryPatch p;
  p.name = LocalizedText{"Brute force login (lokal)", "Login brute force (local)"};
  ASSERT_TRUE(lib_->Put("brute_force", p, boss_).ok());
  EXPECT_EQ(lib_->ForCase({}, "brute_force")->items.at(0).entry.name.id,
            "Brute force login (lokal)");
}

}  // namespace
}  // namespace pantau
