#include "docs/document_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "auth/secrets.h"
#include "cases/case_ref.h"
#include "cases/cases.h"
#include "store/sqlite/main_db.h"

namespace pantau::docs {
namespace {

const Actor kAnalyst{"budi", Role::kAnalyst};
constexpr TimeNs kStart = 1'772'323'200LL * kNsPerSecond;  // 2026-03-01T00:00:00Z

class DocumentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pantau_document_store_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto cases = CaseStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(cases.ok()) << cases.status().ToString();
    CaseFields fields;
    fields.title = "Judi online di portal";
    auto c = (*cases)->Create(fields, kAnalyst);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    case_ = *c;
    auto db = sqlite::OpenMainDb(dir_.string());
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    auto store = DocumentStore::Open(dir_.string());
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<Document> Freeze(std::string_view id, std::string pdf) {
    NewDocument d{std::stoll(case_.id), DocumentKind::kIncidentReport, "id", R"({"a":1})",
                  std::move(pdf)};
    return InWriteTransaction(db_,
                              [&] { return FreezeDocumentLocked(db_, id, d, "budi", kStart); });
  }

  std::filesystem::path dir_;
  ManualClock clock_{kStart};
  Case case_;
  sqlite::Db db_;
  std::unique_ptr<DocumentStore> store_;
};

TEST_F(DocumentStoreTest, VersionsFreezeThenSign) {
  auto v1 = Freeze("aaaa", "%PDF-draft-1");
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->state, "frozen");
  EXPECT_EQ(v1->case_number, case_.number);
  EXPECT_EQ(v1->draft_sha256, Sha256Hex("%PDF-draft-1"));
  auto v2 = Freeze("bbbb", "%PDF-draft-2");
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(store_->Get("aaaa")->state, "superseded");

  auto latest = LatestDocumentLocked(db_, v2->case_id, DocumentKind::kIncidentReport);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->document.id, "bbbb");
  EXPECT_EQ(latest->content, R"({"a":1})");
  EXPECT_EQ(LatestDocumentLocked(db_, v2->case_id, DocumentKind::kLetter).status().code(),
            StatusCode::kNotFound);

  const Signature sig{
      "B-1/KOMINFO/000.6/03/2026", "%PDF-signed", "kepala", "Dr. Kepala", false, kStart + 5};
  EXPECT_EQ(SignDocumentLocked(db_, "aaaa", sig).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(SignDocumentLocked(db_, "bbbb", sig).ok());
  EXPECT_EQ(SignDocumentLocked(db_, "bbbb", sig).code(), StatusCode::kFailedPrecondition);

  auto signed_doc = store_->Get("bbbb");
  ASSERT_TRUE(signed_doc.ok());
  EXPECT_EQ(signed_doc->state, "signed");
  EXPECT_EQ(signed_doc->number, "B-1/KOMINFO/000.6/03/2026");
  EXPECT_EQ(signed_doc->signed_sha256, Sha256Hex("%PDF-signed"));
  EXPECT_EQ(*store_->Pdf("bbbb", false), "%PDF-signed");
  EXPECT_EQ(*store_->Pdf("bbbb", true), "%PDF-draft-2");
  EXPECT_EQ(*store_->Pdf("aaaa", false), "%PDF-draft-1");
  EXPECT_EQ((*store_->FindByHash(Sha256Hex("%PDF-signed")))->id, "bbbb");
  EXPECT_EQ((*store_->FindByHash(Sha256Hex("%PDF-draft-1")))->id, "aaaa");
  EXPECT_FALSE(store_->FindByHash(Sha256Hex("other"))->has_value());
  EXPECT_EQ(store_->List(v2->case_id)->size(), 2u);
  EXPECT_EQ(store_->Get("zzzz").status().code(), StatusCode::kNotFound);
  EXPECT_NE(NewDocumentId(), NewDocumentId());
  EXPECT_EQ(NewDocumentId().size(), 20u);
}

}  // namespace
}  // namespace pantau::docs
