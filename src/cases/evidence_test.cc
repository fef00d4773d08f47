#include "cases/evidence.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "auth/audit.h"
#include "auth/secrets.h"
#include "cases/cases.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

constexpr TimeNs kMinute = 60 * kNsPerSecond;

class EvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pantau_evidence_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    auto cases = CaseStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(cases.ok()) << cases.status().ToString();
    cases_ = std::move(*cases);
    OpenStore(kDefaultMaxEvidenceBytes);
    CaseFields f;
    f.title = "Webshell di server aplikasi";
    auto c = cases_->Create(f, budi_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    case_ = *c;
  }
  void TearDown() override {
    // Blobs are read-only; their folders are not, so removing works.
    fs::remove_all(dir_);
  }

  void OpenStore(uint64_t max_bytes) {
    auto s = EvidenceStore::Open(dir_.string(), clock_, {max_bytes});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  Result<EvidenceItem> Add(std::string name, std::string_view content, std::string kind = "file",
                           std::string case_id = "1") {
    NewEvidence e;
    e.case_id = std::move(case_id);
    e.kind = std::move(kind);
    e.name = std::move(name);
    e.description = "dari server web01";
    e.note = "uploaded from 10.0.0.5";
    return store_->Add(e, content, budi_);
  }

  std::vector<fs::path> FilesUnder(const fs::path& p) {
    std::vector<fs::path> out;
    for (const auto& entry : fs::recursive_directory_iterator(p)) {
      if (entry.is_regular_file()) out.push_back(entry.path());
    }
    return out;
  }

  std::string ReadAll(EvidenceReader& r) {
    std::string out;
    char buf[1000];
    while (out.size() < r.size()) {
      auto n = r.Read(out.size(), buf, sizeof buf);
      EXPECT_TRUE(n.ok()) << n.status().ToString();
      if (!n.ok() || *n == 0) break;
      out.append(buf, *n);
    }
    return out;
  }

  // Writes over a stored blob, as someone with the disk in hand would.
  void Tamper(const EvidenceItem& item, std::string_view content) {
    const fs::path blob = store_->BlobPath(item.sha256);
    fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
    std::ofstream(blob, std::ios::binary | std::ios::trunc) << content;
  }

  int64_t Rows(std::string_view table) {
    auto db = sqlite::Db::Open(dir_.string() + "/pantau.db", true);
    auto st = db->Prepare(fmt::format("SELECT count(*) FROM {}", table));
    EXPECT_TRUE(st->Step().value());
    return st->Int(0);
  }

  fs::path dir_;
  ManualClock clock_{*MakeTime(2026, 3, 1, 0, 0, 0)};
  std::unique_ptr<CaseStore> cases_;
  std::unique_ptr<EvidenceStore> store_;
  Case case_;
  const Actor budi_{"budi", Role::kAnalyst};
  const Actor siti_{"siti", Role::kCoordinator};
};

TEST_F(EvidenceTest, StoresTheContentByItsSha256) {
  const std::string content = "GET /uploads/x.php?cmd=id HTTP/1.1\n";
  auto item = Add("access.log", content);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->id, "1");
  EXPECT_EQ(item->case_id, "1");
  EXPECT_EQ(item->case_number, "INS-2026-0001");
  EXPECT_EQ(item->kind, "file");
  EXPECT_EQ(item->name, "access.log");
  EXPECT_EQ(item->media_type, "text/plain");
  EXPECT_EQ(item->size, static_cast<int64_t>(content.size()));
  EXPECT_EQ(item->sha256, Sha256Hex(content));
  EXPECT_EQ(item->description, "dari server web01");
  EXPECT_EQ(item->added_by, "budi");
  EXPECT_EQ(item->added, clock_.Now());

  const fs::path blob = dir_ / "evidence" / item->sha256.substr(0, 2) / item->sha256;
  EXPECT_EQ(store_->BlobPath(item->sha256), blob.string());
  std::ifstream in(blob, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), content);
  EXPECT_EQ(fs::status(blob).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::group_read);
  EXPECT_TRUE(fs::is_empty(dir_ / "evidence" / "incoming"));

  ASSERT_EQ(item->custody.size(), 1u);
  const CustodyEvent& acquired = item->custody[0];
  EXPECT_EQ(acquired.seq, 1);
  EXPECT_EQ(acquired.event, CustodyEventKind::kAcquired);
  EXPECT_EQ(acquired.actor, "budi");
  EXPECT_EQ(acquired.role, "analyst");
  EXPECT_EQ(acquired.note, "uploaded from 10.0.0.5");

  // The same transaction wrote its audit entry, on the case.
  auto history = cases_->History("1");
  ASSERT_TRUE(history.ok());
  const AuditEntry& entry = history->back();
  EXPECT_EQ(entry.seq, acquired.audit_seq);
  EXPECT_EQ(entry.action, "evidence.acquire");
  EXPECT_EQ(entry.object, "case:1");
  EXPECT_NE(entry.details_json.find(R"("sha256":")" + item->sha256 + "\""), std::string::npos);
  EXPECT_NE(entry.details_json.find(R"("name":"access.log")"), std::string::npos);

  EXPECT_EQ(item->ToJson(false),
            fmt::format(R"({{"id":"1","case_id":"1","case_number":"INS-2026-0001","kind":"file",)"
                        R"("name":"access.log","media_type":"text/plain","size":{},"sha256":"{}",)"
                        R"("description":"dari server web01","added_by":"budi",)"
                        R"("added":"2026-03-01T00:00:00Z","scans":[]}})",
                        content.size(), item->sha256));
}

TEST_F(EvidenceTest, SameContentIsStoredOnce) {
  auto a = Add("a.bin", "the same bytes");
  clock_.Advance(kMinute);
  auto b = Add("b.bin", "the same bytes");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->id, b->id);
  EXPECT_EQ(a->sha256, b->sha256);
  EXPECT_EQ(FilesUnder(dir_ / "evidence").size(), 1u);
  EXPECT_TRUE(fs::is_empty(dir_ / "evidence" / "incoming"));
}

TEST_F(EvidenceTest, AnExistingBlobIsNeverOverwritten) {
  // A blob already at the path of the content's hash (here a wrong one) stays as it is.
  const std::string content = "evidence collected later";
  const fs::path blob = store_->BlobPath(Sha256Hex(content));
  fs::create_directories(blob.parent_path());
  std::ofstream(blob, std::ios::binary) << "what was there first";
  auto item = Add("later.txt", content);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  std::ifstream in(blob, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "what was there first");
  EXPECT_TRUE(fs::is_empty(dir_ / "evidence" / "incoming"));
  // ... and the download check says it is not the evidence.
  auto reader = store_->OpenContent("1", item->id, siti_, "");
  EXPECT_EQ(reader.status().code(), StatusCode::kInternal);
}

TEST_F(EvidenceTest, MediaTypeIsSniffedFromTheContent) {
  const std::string big_json = "[" + std::string(100'000, ' ') + "1]";
  const std::string png = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s;
  const struct {
    std::string content;
    std::string type;
  } kCases[] = {
      {"Mar  1 10:00:01 web01 sshd[1]: Failed password for root\n", "text/plain"},
      {"\xEF\xBB\xBFteks dengan BOM: ✓ café\n", "text/plain"},
      {"\x1b[31mred\x1b[0m\n", "text/plain"},
      {R"({"src_ip": "203.0.113.9", "n": [1, 2]})", "application/json"},
      {" [1, 2, 3]\n", "application/json"},
      {big_json, "application/json"},
      {"{\"a\":1}\n{\"a\":2}\n", "text/plain"},  // NDJSON is lines of JSON, not JSON
      {"{not json", "text/plain"},
      {"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", "application/pdf"},
      {png, "image/png"},
      {"\xFF\xD8\xFF\xE0\0\x10JFIF"s, "image/jpeg"},
      {"PK\x03\x04\x14\0\0\0"s, "application/zip"},
      {"\x1F\x8B\x08\0"s, "application/gzip"},
      {"\xD4\xC3\xB2\xA1\x02\0\x04\0"s, "application/vnd.tcpdump.pcap"},
      {"\xA1\xB2\xC3\xD4\0\x02\0\x04"s, "application/vnd.tcpdump.pcap"},
      {"\x0A\x0D\x0D\x0A\x1C\0\0\0\x4D\x3C\x2B\x1A"s, "application/x-pcapng"},
      {"\x0A\x0D\x0D\x0Ajust text\n"s, "text/plain"},
      {"ElfFile\0\0\0\0\0"s, "application/x-ms-evtx"},
      {"<html><script>alert(1)</script></html>", "text/plain"},
      {"MZ\x90\0\x03\0\0\0"s, "application/octet-stream"},
      {"text with a NUL\0 in it"s, "application/octet-stream"},
      {"\xC0\xAF overlong", "application/octet-stream"},
      {"\xFF\xFEu\0t\0f\0-\0\x31\0\x36\0"s, "application/octet-stream"},
  };
  for (const auto& c : kCases) {
    const bool complete = c.content.size() <= kSniffBytes;
    EXPECT_EQ(SniffMediaType(std::string_view(c.content).substr(0, kSniffBytes), complete), c.type)
        << c.content.substr(0, 40);
  }
  // A window that ends inside a UTF-8 character is still text.
  const std::string cut = std::string(kSniffBytes - 1, 'a') + "é";
  EXPECT_EQ(SniffMediaType(std::string_view(cut).substr(0, kSniffBytes), false), "text/plain");
  EXPECT_EQ(SniffMediaType(std::string_view(cut).substr(0, kSniffBytes), true),
            "application/octet-stream");

  // Through the store; what a client says the type is plays no part at all.
  auto big = Add("data.json", big_json);
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->media_type, "application/json");
  auto image = Add("screenshot.png", png);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->media_type, "image/png");
}

TEST_F(EvidenceTest, PastedTextMustBeText) {
  auto text = Add("", "curl -s http://target/uploads/x.php?cmd=id\nuid=33(www-data)\n", "text");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(text->kind, "text");
  EXPECT_EQ(text->name, "pasted-text.txt");
  EXPECT_EQ(text->media_type, "text/plain");
  auto binary = Add("",
                    "\x7f"
                    "ELF\x02\x01\x01\0"s,
                    "text");
  EXPECT_EQ(binary.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(binary.status().message().find("not UTF-8 text"), std::string::npos);
  EXPECT_EQ(Add("x", "", "text").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Add("x", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Add("x", "y", "video").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Rows("evidence"), 1);
  EXPECT_TRUE(fs::is_empty(dir_ / "evidence" / "incoming"));
}

TEST_F(EvidenceTest, NamesAreLabelsAndHostileOnesAreRefused) {
  auto traversal = Add("../../etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  ASSERT_TRUE(traversal.ok()) << traversal.status().ToString();
  EXPECT_EQ(traversal->name, "../../etc/passwd");
  EXPECT_EQ(store_->BlobPath(traversal->sha256),
            (dir_ / "evidence" / traversal->sha256.substr(0, 2) / traversal->sha256).string());
  EXPECT_FALSE(fs::exists(dir_ / "etc"));
  EXPECT_FALSE(fs::exists(dir_.parent_path() / "etc" / "passwd.part"));

  for (const std::string& bad :
       {"a\0b"s, "line\nbreak"s, "tab\there"s, "bell\x07"s, "del\x7f"s, "c1\xC2\x85"s,
        "invoice\xE2\x80\xAE"
        "fdp.exe"s,
        "isolate\xE2\x81\xA6x"s, "latin1 \xE9t\xE9"s, std::string(256, 'a'), ""s}) {
    auto r = Add(bad, "x");
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(r.status().message().starts_with("name: ")) << r.status().message();
  }
  EXPECT_TRUE(Add(std::string(255, 'a'), "x").ok());
  EXPECT_TRUE(Add("laporan akhir – café ✓.pdf", "x").ok());
  NewEvidence e;
  e.case_id = "1";
  e.name = "x";
  e.description = "nul\0"s;
  EXPECT_TRUE(store_->Add(e, "x", budi_).status().message().starts_with("description: "));
  e.description = std::string(4001, 'd');
  EXPECT_TRUE(store_->Add(e, "x", budi_).status().message().starts_with("description: "));
  EXPECT_EQ(Rows("evidence"), 3);
  EXPECT_TRUE(fs::is_empty(dir_ / "evidence" / "incoming"));
}

TEST_F(EvidenceTest, OversizeLeavesNothingBehind) {
  OpenStore(1024);
  NewEvidence e;
  e.case_id = "1";
  e.name = "big.pcap";
  auto upload = store_->BeginUpload(e, budi_);
  ASSERT_TRUE(upload.ok()) << upload.status().ToString();
  ASSERT_TRUE((*upload)->Write(std::string(600, 'a')).ok());
  EXPECT_EQ(FilesUnder(dir_ / "evidence" / "incoming").size(), 1u);  // being written
  const Status over = (*upload)->Write(std::string(600, 'b'));
  EXPECT_EQ(over.code(), StatusCode::kTooLarge);
  EXPECT_NE(over.message().find("cases.max_evidence_bytes (1024 bytes)"), std::string::npos);
  EXPECT_TRUE(FilesUnder(dir_ / "evidence").empty());
  EXPECT_EQ((*upload)->Commit().status().code(), StatusCode::kTooLarge);
  upload->reset();
  EXPECT_TRUE(FilesUnder(dir_ / "evidence").empty());
  EXPECT_EQ(Rows("evidence"), 0);
  EXPECT_EQ(Rows("evidence_custody"), 0);
  EXPECT_TRUE(Add("exactly.bin", std::string(1024, 'c')).ok());

  // An upload given up half way (the client went away) leaves nothing either.
  auto abandoned = store_->BeginUpload(e, budi_);
  ASSERT_TRUE(abandoned.ok());
  ASSERT_TRUE((*abandoned)->Write("half").ok());
  abandoned->reset();
  EXPECT_TRUE(fs::is_empty(dir_ / "evidence" / "incoming"));
}

TEST_F(EvidenceTest, CustodyLogInOrderWithItsAuditEntries) {
  auto item = Add("shell.php", "<?php system($_GET['cmd']); ?>\n");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  clock_.Advance(kMinute);
  auto viewed = store_->View("INS-2026-0001", item->id, siti_, "from 10.0.0.7");
  ASSERT_TRUE(viewed.ok()) << viewed.status().ToString();
  clock_.Advance(kMinute);
  auto reader = store_->OpenContent("1", item->id, siti_, "from 10.0.0.7");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(ReadAll(**reader), "<?php system($_GET['cmd']); ?>\n");
  clock_.Advance(kMinute);
  ASSERT_TRUE(store_
                  ->RecordCustody("1", item->id, CustodyEventKind::kExported, budi_,
                                  "report INS-2026-0001 v1")
                  .ok());
  ASSERT_TRUE(store_
                  ->RecordCustody("1", item->id, CustodyEventKind::kAttached, budi_,
                                  "report INS-2026-0001 v1")
                  .ok());
  EXPECT_EQ(
      store_->RecordCustody("1", item->id, CustodyEventKind::kViewed, budi_, "").status().code(),
      StatusCode::kInvalidArgument);

  auto got = store_->Get("1", item->id);  // reading without recording
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const std::vector<CustodyEvent>& log = got->custody;
  ASSERT_EQ(log.size(), 5u);
  const CustodyEventKind kinds[] = {CustodyEventKind::kAcquired, CustodyEventKind::kViewed,
                                    CustodyEventKind::kDownloaded, CustodyEventKind::kExported,
                                    CustodyEventKind::kAttached};
  const std::string actors[] = {"budi", "siti", "siti", "budi", "budi"};
  auto history = cases_->History("1");
  ASSERT_TRUE(history.ok());
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(log[i].event, kinds[i]);
    EXPECT_EQ(log[i].actor, actors[i]);
    if (i > 0) {
      EXPECT_GT(log[i].audit_seq, log[i - 1].audit_seq);
      EXPECT_GE(log[i].time, log[i - 1].time);
    }
    auto entry = std::find_if(history->begin(), history->end(),
                              [&](const AuditEntry& e) { return e.seq == log[i].audit_seq; });
    ASSERT_NE(entry, history->end());
    EXPECT_EQ(entry->action, std::string("evidence.") + (i == 0   ? "acquire"
                                                         : i == 1 ? "view"
                                                         : i == 2 ? "download"
                                                         : i == 3 ? "export"
                                                                  : "attach"));
    EXPECT_EQ(entry->actor, actors[i]);
  }
  EXPECT_EQ(log[1].ToJson(),
            fmt::format(R"({{"seq":2,"event":"viewed","actor":"siti","role":"coordinator",)"
                        R"("time":"2026-03-01T00:01:00Z","note":"from 10.0.0.7","audit_seq":{}}})",
                        log[1].audit_seq));
  auto verified = VerifyAuditFile(dir_.string());
  ASSERT_TRUE(verified.ok());
  EXPECT_FALSE(verified->broken_seq) << verified->problem;
  EXPECT_EQ(verified->entries, log.back().audit_seq);

  // The log cannot be rewritten through SQL.
  auto db = sqlite::Db::Open(dir_.string() + "/pantau.db", false);
  EXPECT_FALSE(db->Exec("UPDATE evidence_custody SET actor = 'mallory'").ok());
  EXPECT_FALSE(db->Exec("DELETE FROM evidence_custody").ok());
  EXPECT_FALSE(db->Exec("UPDATE evidence SET sha256 = 'x'").ok());
  EXPECT_FALSE(db->Exec("DELETE FROM evidence").ok());
}

TEST_F(EvidenceTest, ACorruptBlobIsDetectedAndNeverServed) {
  auto item = Add("auth.log", "Mar 1 sshd: Accepted password for root from 203.0.113.9\n");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  Tamper(*item, "Mar 1 sshd: nothing to see here\n");
  auto reader = store_->OpenContent("1", item->id, siti_, "from 10.0.0.7");
  ASSERT_EQ(reader.status().code(), StatusCode::kInternal);
  const std::string& message = reader.status().message();
  EXPECT_NE(message.find("evidence 1 ('auth.log') of case INS-2026-0001 is corrupt"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("not the recorded " + item->sha256), std::string::npos) << message;
  EXPECT_NE(message.find("It is not served"), std::string::npos);

  auto got = store_->Get("1", item->id);
  ASSERT_EQ(got->custody.size(), 2u);
  EXPECT_EQ(got->custody[1].event, CustodyEventKind::kCorrupt);
  EXPECT_EQ(got->custody[1].actor, "siti");
  auto history = cases_->History("1");
  EXPECT_EQ(history->back().action, "evidence.corrupt");
  EXPECT_NE(history->back().details_json.find(
                R"("found":")" + Sha256Hex("Mar 1 sshd: nothing to see here\n") + "\""),
            std::string::npos)
      << history->back().details_json;

  // A blob that is gone is reported the same way.
  fs::remove(store_->BlobPath(item->sha256));
  reader = store_->OpenContent("1", item->id, siti_, "");
  ASSERT_EQ(reader.status().code(), StatusCode::kInternal);
  EXPECT_NE(reader.status().message().find("is missing"), std::string::npos);
  EXPECT_FALSE(VerifyAuditFile(dir_.string())->broken_seq);
}

TEST_F(EvidenceTest, AChangeWhileSendingFailsTheLastRead) {
  const std::string content(5000, 'x');
  auto item = Add("big.txt", content);
  ASSERT_TRUE(item.ok());
  auto reader = store_->OpenContent("1", item->id, siti_, "");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  char buf[4096];
  ASSERT_EQ((*reader)->Read(0, buf, sizeof buf).value(), 4096u);
  Tamper(*item, std::string(5000, 'y'));
  auto last = (*reader)->Read(4096, buf, sizeof buf);
  EXPECT_EQ(last.status().code(), StatusCode::kInternal);
  EXPECT_NE(last.status().message().find("changed while it was being sent"), std::string::npos);
}

TEST_F(EvidenceTest, ItemsBelongToTheirCase) {
  CaseFields f;
  f.title = "Second case";
  ASSERT_TRUE(cases_->Create(f, budi_).ok());
  auto item = Add("a.txt", "a");
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(store_->Get("2", item->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->View("2", item->id, siti_, "").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->OpenContent("2", item->id, siti_, "").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("1", "99").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("1", "x").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("9", "1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Add("b.txt", "b", "file", "9").status().code(), StatusCode::kNotFound);

  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Add(fmt::format("{}.txt", i), "n").ok());
  auto page = store_->List("1", 3, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->items[0].name, "a.txt");  // in the order they were added
  EXPECT_EQ(page->next_cursor, page->items[2].id);
  page = store_->List("INS-2026-0001", 3, page->next_cursor);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[1].name, "3.txt");
  EXPECT_EQ(page->next_cursor, "");
  EXPECT_EQ(store_->List("2", 3, "")->total, 0);
  EXPECT_EQ(store_->List("1", 3, "abc").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EvidenceTest, AClosedCaseTakesNoMoreEvidence) {
  ASSERT_TRUE(Add("before.txt", "kept").ok());
  // An upload under way while the case closes is refused when it ends, and leaves nothing.
  NewEvidence late;
  late.case_id = "1";
  late.name = "late.txt";
  auto upload = store_->BeginUpload(late, budi_);
  ASSERT_TRUE(upload.ok()) << upload.status().ToString();
  ASSERT_TRUE((*upload)->Write("written while the case closed").ok());
  const std::string id = case_.id;
  ASSERT_TRUE(cases_->Act(id, CaseAction::kInvestigate, "", budi_).ok());
  ASSERT_TRUE(cases_->SetVerdict(id, Verdict::kFalsePositive, "VA terjadwal", budi_).ok());
  ASSERT_TRUE(cases_->Act(id, CaseAction::kAssess, "", budi_).ok());
  ASSERT_TRUE(cases_->Act(id, CaseAction::kReport, "", budi_).ok());
  ASSERT_TRUE(cases_->Act(id, CaseAction::kSubmit, "", budi_).ok());
  ASSERT_TRUE(cases_->Act(id, CaseAction::kVerify, "", siti_).ok());
  auto closed = cases_->Act(id, CaseAction::kClose, "", siti_);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();

  auto refused = Add("after.txt", "too late");
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "case INS-2026-0001 is closed: no evidence is added to it any more");
  EXPECT_EQ((*upload)->Commit().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(FilesUnder(dir_ / "evidence").size(), 1u);  // before.txt's blob alone
  // What it holds can still be read and downloaded.
  EXPECT_TRUE(store_->View(id, "1", siti_, "").ok());
  EXPECT_TRUE(store_->OpenContent(id, "1", siti_, "").ok());
  EXPECT_TRUE(FilesUnder(dir_ / "evidence" / "incoming").empty());
}

}  // namespace
}  // namespace pantau
