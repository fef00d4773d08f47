#include "cases/notes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "auth/secrets.h"
#include "cases/cases.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

constexpr TimeNs kMinute = 60 * kNsPerSecond;

class NoteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pantau_notes_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto c = CaseStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cases_ = std::move(*c);
    auto n = NoteStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    notes_ = std::move(*n);
    CaseFields f;
    f.title = "Situs disdik berisi konten judi";
    auto created = cases_->Create(f, budi_);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    case_ = *created;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Note Write(std::string kind, std::string title, std::string body) {
    clock_.Advance(kMinute);
    auto n = notes_->Create(case_.id, {std::move(kind), std::move(title), std::move(body)}, budi_);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : Note{};
  }

  Result<Note> Revise(const Note& n, NoteChange change, const Actor& who) {
    clock_.Advance(kMinute);
    return notes_->Revise(case_.id, n.id, change, who);
  }

  // The case's audit entries of one action.
  std::vector<AuditEntry> Audit(std::string_view action) {
    std::vector<AuditEntry> out;
    std::vector<AuditEntry> history = *cases_->History(case_.id);
    for (AuditEntry& e : history) {
      if (e.action == action) out.push_back(std::move(e));
    }
    return out;
  }

  std::filesystem::path dir_;
  ManualClock clock_{*MakeTime(2026, 3, 1, 0, 0, 0)};
  std::unique_ptr<CaseStore> cases_;
  std::unique_ptr<NoteStore> notes_;
  Case case_;
  const Actor budi_{"budi", Role::kAnalyst};
  const Actor siti_{"siti", Role::kCoordinator};
};

TEST_F(NoteStoreTest, CreatesANoteWithItsFirstRevision) {
  const Note n =
      Write("attack_form", "  Bentuk serangan  ", "# Cloaking\n\nHanya untuk *Googlebot*.");
  EXPECT_EQ(n.case_id, case_.id);
  EXPECT_EQ(n.kind, "attack_form");
  EXPECT_EQ(n.latest.title, "Bentuk serangan");
  EXPECT_EQ(n.latest.body, "# Cloaking\n\nHanya untuk *Googlebot*.");
  EXPECT_EQ(n.revisions, 1);
  EXPECT_EQ(n.created_by, "budi");
  EXPECT_EQ(n.created, n.latest.created);
  EXPECT_FALSE(n.latest.withdrawn);

  const nlohmann::json j = nlohmann::json::parse(n.ToJson());
  EXPECT_EQ(j["title"], "Bentuk serangan");
  EXPECT_EQ(j["revisions"], 1);
  EXPECT_EQ(j["updated_by"], "budi");
  EXPECT_EQ(j["created"], "2026-03-01T00:01:00Z");
  EXPECT_EQ(j["withdrawn"], false);

  // By the case's number too, and in the list.
  auto same = notes_->Get(case_.number, n.id);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->latest.body, n.latest.body);
  EXPECT_EQ(notes_->List(case_.id)->size(), 1u);
}

TEST_F(NoteStoreTest, RevisionsAreKeptAndTheLatestIsShown) {
  const Note n = Write("root_cause", "Akar masalah", "Plugin lama.");
  NoteChange body;
  body.body = "Plugin *revslider* 4.1 dengan celah unggah berkas.";
  auto r2 = Revise(n, body, siti_);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->revisions, 2);
  EXPECT_EQ(r2->latest.title, "Akar masalah");  // unchanged fields carry over
  EXPECT_EQ(r2->latest.author, "siti");
  EXPECT_EQ(r2->created_by, "budi");
  NoteChange title;
  title.title = "Akar masalah: unggah berkas";
  title.base_revision = 2;
  auto r3 = Revise(n, title, budi_);
  ASSERT_TRUE(r3.ok()) << r3.status().ToString();
  EXPECT_EQ(r3->revisions, 3);

  auto revisions = notes_->Revisions(case_.id, n.id);
  ASSERT_TRUE(revisions.ok()) << revisions.status().ToString();
  ASSERT_EQ(revisions->size(), 3u);
  EXPECT_EQ((*revisions)[0].body, "Plugin lama.");
  EXPECT_EQ((*revisions)[0].author, "budi");
  EXPECT_EQ((*revisions)[1].body, "Plugin *revslider* 4.1 dengan celah unggah berkas.");
  EXPECT_EQ((*revisions)[1].author, "siti");
  EXPECT_EQ((*revisions)[2].title, "Akar masalah: unggah berkas");
  EXPECT_EQ((*revisions)[2].revision, 3);
  EXPECT_LT((*revisions)[0].created, (*revisions)[1].created);

  auto latest = notes_->Get(case_.id, n.id);
  EXPECT_EQ(latest->latest.revision, 3);
  EXPECT_EQ(latest->latest.body, (*revisions)[1].body);

  // A change that changes nothing adds no revision.
  NoteChange same;
  same.title = "Akar masalah: unggah berkas";
  auto unchanged = Revise(n, same, budi_);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->revisions, 3);
}

TEST_F(NoteStoreTest, WithdrawingIsARevisionAndNothingIsDeleted) {
  const Note n = Write("general", "Dugaan awal", "Mungkin DDoS.");
  NoteChange withdraw;
  withdraw.withdrawn = true;
  auto w = Revise(n, withdraw, budi_);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_TRUE(w->latest.withdrawn);
  EXPECT_EQ(w->latest.body, "Mungkin DDoS.");
  EXPECT_EQ(w->revisions, 2);
  auto list = notes_->List(case_.id);
  ASSERT_EQ(list->size(), 1u);  // still listed, marked
  EXPECT_TRUE((*list)[0].latest.withdrawn);

  // The revisions cannot be changed or deleted behind the store's back either.
  auto db = sqlite::OpenMainDb(dir_.string());
  ASSERT_TRUE(db.ok());
  Status update = db->Exec("UPDATE case_note_revisions SET body = 'x'");
  EXPECT_FALSE(update.ok());
  EXPECT_NE(update.message().find("never changed"), std::string::npos) << update.message();
  EXPECT_FALSE(db->Exec("DELETE FROM case_note_revisions").ok());
}

TEST_F(NoteStoreTest, AnEditFromAnOldRevisionIsRefused) {
  const Note n = Write("handling", "Penanganan", "1. Isolasi server");
  NoteChange a;
  a.body = "1. Isolasi server\n2. Ganti kata sandi";
  a.base_revision = 1;
  ASSERT_TRUE(Revise(n, a, budi_).ok());
  NoteChange b;
  b.body = "1. Matikan situs";
  b.base_revision = 1;  // siti started from revision 1 as well
  auto stale = Revise(n, b, siti_);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(stale.status().message().find("revision 2 is by budi"), std::string::npos)
      << stale.status().message();
}

TEST_F(NoteStoreTest, ChecksKindTitleAndBody) {
  auto bad_kind = notes_->Create(case_.id, {"kesimpulan", "x", "y"}, budi_);
  EXPECT_EQ(bad_kind.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_kind.status().message().find("attack_form"), std::string::npos);
  EXPECT_EQ(notes_->Create(case_.id, {"general", "  ", "y"}, budi_).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(notes_->Create(case_.id, {"general", "a\nb", "y"}, budi_).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(notes_->Create(case_.id, {"general", std::string(201, 'a'), ""}, budi_).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(notes_->Create(case_.id, {"general", "x", "bell \a"}, budi_).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(notes_->Create(case_.id, {"general", "x", "\xff\xfe"}, budi_).status().code(),
            StatusCode::kInvalidArgument);
  // 200 KB fits, one byte more does not (413).
  EXPECT_TRUE(
      notes_->Create(case_.id, {"general", "x", std::string(NoteStore::kMaxBodyBytes, 'a')}, budi_)
          .ok());
  EXPECT_EQ(notes_
                ->Create(case_.id, {"general", "x", std::string(NoteStore::kMaxBodyBytes + 1, 'a')},
                         budi_)
                .status()
                .code(),
            StatusCode::kTooLarge);
  EXPECT_EQ(notes_->Create("99", {"general", "x", ""}, budi_).status().code(),
            StatusCode::kNotFound);
  const Note n = Write("general", "x", "y");
  EXPECT_EQ(Revise(n, NoteChange{}, budi_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(notes_->Get(case_.id, "abc").status().code(), StatusCode::kNotFound);
}

TEST_F(NoteStoreTest, ANoteBelongsToItsCase) {
  const Note n = Write("general", "x", "y");
  CaseFields f;
  f.title = "Kasus lain";
  auto other = cases_->Create(f, budi_);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(notes_->Get(other->id, n.id).status().code(), StatusCode::kNotFound);
  NoteChange c;
  c.body = "z";
  EXPECT_EQ(notes_->Revise(other->id, n.id, c, budi_).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(notes_->List(other->id)->empty());
}

TEST_F(NoteStoreTest, AClosedCaseTakesNoNotesOrRevisions) {
  const Note n = Write("general", "Catatan", "isi");
  // Through the SOP to closed as a false positive.
  const Actor ani{"ani", Role::kAnalyst};
  ASSERT_TRUE(cases_->Act(case_.id, CaseAction::kInvestigate, "", budi_).ok());
  ASSERT_TRUE(cases_->SetVerdict(case_.id, Verdict::kFalsePositive, "uji VA", budi_).ok());
  ASSERT_TRUE(cases_->Act(case_.id, CaseAction::kAssess, "", budi_).ok());
  ASSERT_TRUE(cases_->Act(case_.id, CaseAction::kReport, "", budi_).ok());
  ASSERT_TRUE(cases_->Act(case_.id, CaseAction::kSubmit, "", budi_).ok());
  ASSERT_TRUE(cases_->Act(case_.id, CaseAction::kVerify, "", siti_).ok());
  ASSERT_TRUE(cases_->Act(case_.id, CaseAction::kClose, "", ani).ok());

  auto created = notes_->Create(case_.id, {"general", "Terlambat", ""}, budi_);
  EXPECT_EQ(created.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(created.status().message().find("is closed"), std::string::npos);
  NoteChange c;
  c.body = "ubah";
  EXPECT_EQ(notes_->Revise(case_.id, n.id, c, budi_).status().code(),
            StatusCode::kFailedPrecondition);
  // Still readable.
  EXPECT_EQ(notes_->Get(case_.id, n.id)->latest.body, "isi");
  EXPECT_EQ(notes_->Revisions(case_.id, n.id)->size(), 1u);
}

TEST_F(NoteStoreTest, EveryCreateAndRevisionIsAudited) {
  const Note n = Write("mitigation", "Mitigasi", "Perbarui plugin.");
  NoteChange c;
  c.body = "Perbarui plugin dan hapus webshell.";
  c.withdrawn = false;  // unchanged: not listed as changed
  ASSERT_TRUE(Revise(n, c, siti_).ok());

  const auto created = Audit("note.create");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].actor, "budi");
  EXPECT_EQ(created[0].object, "case:" + case_.id);
  const nlohmann::json d1 = nlohmann::json::parse(created[0].details_json);
  EXPECT_EQ(d1["note"], n.id);
  EXPECT_EQ(d1["kind"], "mitigation");
  EXPECT_EQ(d1["revision"], 1);
  EXPECT_EQ(d1["role"], "analyst");
  EXPECT_EQ(d1["number"], case_.number);
  EXPECT_EQ(d1["body_sha256"], Sha256Hex("Perbarui plugin."));
  EXPECT_EQ(d1["body_bytes"], 16);

  const auto revised = Audit("note.revise");
  ASSERT_EQ(revised.size(), 1u);
  EXPECT_EQ(revised[0].actor, "siti");
  const nlohmann::json d2 = nlohmann::json::parse(revised[0].details_json);
  EXPECT_EQ(d2["revision"], 2);
  EXPECT_EQ(d2["role"], "coordinator");
  EXPECT_EQ(d2["changed"], nlohmann::json::array({"body"}));
  EXPECT_EQ(d2["body_sha256"], Sha256Hex("Perbarui plugin dan hapus webshell."));

  // Refused changes write nothing.
  NoteChange bad;
  bad.title = "";
  EXPECT_FALSE(Revise(n, bad, budi_).ok());
  EXPECT_EQ(Audit("note.revise").size(), 1u);
  auto db = sqlite::OpenMainDb(dir_.string());
  auto chain = VerifyAuditChain(*db);
  ASSERT_TRUE(chain.ok());
  EXPECT_FALSE(chain->broken_seq.has_value()) << chain->problem;
}

}  // namespace
}  // namespace pantau
