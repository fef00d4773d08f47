#include "scan/evidence_scan.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cases/cases.h"
#include "core/time.h"

namespace pantau {
namespace {

namespace fs = std::filesystem;

// A harmless page with a web shell's trait, written for this test.
constexpr std::string_view kFixtureShell =
    "<?php /* pantau test fixture */ if (isset($_REQUEST['k'])) { eval($_REQUEST['k']); } ?>";

class EvidenceScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pantau_evidence_scan_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "clamav");
    auto cases = CaseStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(cases.ok()) << cases.status().ToString();
    cases_ = std::move(*cases);
    auto store = EvidenceStore::Open(dir_.string(), clock_, {});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    CaseFields f;
    f.title = "Webshell di portal";
    ASSERT_TRUE(cases_->Create(f, budi_).ok());
    OpenScanner(uint64_t{64} << 20);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void OpenScanner(uint64_t max_bytes) {
    MalwareScannerOptions o;
    o.clamav_db_dir = (dir_ / "clamav").string();
    o.max_bytes = max_bytes;
    auto s = MalwareScanner::Open(clock_, o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    scanner_ = std::move(*s);
  }

  EvidenceItem Add(std::string name, std::string_view content) {
    NewEvidence e;
    e.case_id = "1";
    e.name = std::move(name);
    e.note = "uploaded";
    auto item = store_->Add(e, content, budi_);
    EXPECT_TRUE(item.ok()) << item.status().ToString();
    return item.ok() ? *item : EvidenceItem{};
  }

  fs::path dir_;
  ManualClock clock_{*MakeTime(2026, 3, 1, 0, 0, 0)};
  std::unique_ptr<CaseStore> cases_;
  std::unique_ptr<EvidenceStore> store_;
  std::unique_ptr<MalwareScanner> scanner_;
  const Actor budi_{"budi", Role::kAnalyst};
};

TEST_F(EvidenceScanTest, FindsTheWebShellAndRecordsTheScan) {
  const EvidenceItem added = Add("shell.php", kFixtureShell);
  clock_.Advance(kNsPerSecond);
  auto item = ScanEvidence(*store_, *scanner_, "INS-2026-0001", added.id, budi_, "from test");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  ASSERT_EQ(item->scans.size(), 2u);
  const EvidenceScan& yara = item->scans[0];
  EXPECT_EQ(yara.engine, "yara");
  EXPECT_EQ(yara.status, "ok");
  EXPECT_NE(yara.matches_json.find("webshells.php_eval_of_request_input"), std::string::npos)
      << yara.matches_json;
  EXPECT_EQ(yara.actor, "budi");
  const EvidenceScan& clam = item->scans[1];
  EXPECT_EQ(clam.engine, "clamav");
  EXPECT_EQ(clam.status, "no_signatures");

  // Custody: acquired, then scanned; the audit entry says what was found.
  ASSERT_EQ(item->custody.size(), 2u);
  const CustodyEvent& scanned = item->custody[1];
  EXPECT_EQ(scanned.event, CustodyEventKind::kScanned);
  EXPECT_EQ(scanned.note, "from test");
  EXPECT_EQ(yara.custody_seq, scanned.seq);
  auto history = cases_->History("1");
  ASSERT_TRUE(history.ok());
  const AuditEntry& entry = history->back();
  EXPECT_EQ(entry.action, "evidence.scan");
  EXPECT_EQ(entry.seq, scanned.audit_seq);
  EXPECT_NE(entry.details_json.find("webshells.php_eval_of_request_input"), std::string::npos)
      << entry.details_json;

  // Kept with the item: the list and the record show the scans.
  auto got = store_->Get("1", added.id);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->scans.size(), 2u);
  const std::string json = got->ToJson(true);
  EXPECT_NE(json.find(R"("scans":[{"engine":"yara")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("tags":["webshell","php"])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("event":"scanned")"), std::string::npos);
  auto page = store_->List("1", 10, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items[0].scans.size(), 2u);

  // A second scan adds to the first.
  auto again = ScanEvidence(*store_, *scanner_, "1", added.id, budi_, "again");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->scans.size(), 4u);
}

TEST_F(EvidenceScanTest, CleanFileHasNoMatch) {
  const EvidenceItem added = Add("access.log", "10.0.0.5 - - GET /index.php HTTP/1.1 200\n");
  auto item = ScanEvidence(*store_, *scanner_, "1", added.id, budi_, "");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->scans[0].matches_json, "[]");
}

TEST_F(EvidenceScanTest, ChangedContentIsNotScannedAndIsRecordedCorrupt) {
  const EvidenceItem added = Add("shell.php", kFixtureShell);
  const fs::path blob = store_->BlobPath(added.sha256);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(blob, std::ios::binary | std::ios::trunc) << "something else entirely";
  auto item = ScanEvidence(*store_, *scanner_, "1", added.id, budi_, "");
  EXPECT_EQ(item.status().code(), StatusCode::kInternal);
  EXPECT_NE(item.status().message().find("corrupt"), std::string::npos);
  auto got = store_->Get("1", added.id);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->scans.empty());
  EXPECT_EQ(got->custody.back().event, CustodyEventKind::kCorrupt);
}

TEST_F(EvidenceScanTest, ItemLargerThanTheScanLimitIsRefusedBeforeReading) {
  OpenScanner(1024);
  const EvidenceItem added = Add("big.bin", std::string(4096, 'x'));
  auto item = ScanEvidence(*store_, *scanner_, "1", added.id, budi_, "");
  EXPECT_EQ(item.status().code(), StatusCode::kTooLarge);
  EXPECT_NE(item.status().message().find("scan.max_bytes"), std::string::npos);
  auto got = store_->Get("1", added.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->custody.size(), 1u);  // acquired only
}

TEST_F(EvidenceScanTest, UnknownItemIsNotFound) {
  auto item = ScanEvidence(*store_, *scanner_, "1", "99", budi_, "");
  EXPECT_EQ(item.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace pantau
