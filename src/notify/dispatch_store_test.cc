#include "notify/dispatch_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

namespace pantau {
namespace {

constexpr TimeNs kStart = 1'772'323'200LL * kNsPerSecond;  // 2026-03-01T00:00:00Z
constexpr TimeNs kMinute = 60 * kNsPerSecond;

class DispatchStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pantau_dispatch_store_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    Reopen();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Reopen() {
    store_.reset();
    auto store = DispatchStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  static NewDispatch Email(int64_t case_id) {
    NewDispatch d;
    d.case_id = case_id;
    d.kind = DispatchKind::kEmail;
    d.recipients = {"admin@portal.kukarkab.go.id", "it@diskominfo.kukarkab.go.id"};
    d.envelope_from = "csirt@kukarkab.go.id";
    d.subject = "Pemberitahuan insiden INS-2026-0042";
    d.message_id = "<abc@kukarkab.go.id>";
    d.payload = std::string("Subject: x\r\n\r\nbinary \0 safe\r\n", 30);
    d.created_by = "kadis";
    return d;
  }
  static NewDispatch Hook(int64_t case_id) {
    NewDispatch d;
    d.case_id = case_id;
    d.kind = DispatchKind::kWebhook;
    d.target = "telegram:-100123";
    d.subject = "approve";
    d.payload = R"({"chat_id":"-100123","text":"x"})";
    d.created_by = "kadis";
    return d;
  }

  std::filesystem::path dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<DispatchStore> store_;
};

TEST_F(DispatchStoreTest, EnqueueGetAndListNewestFirstWithoutPayloads) {
  auto a = store_->Enqueue(Email(42));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  clock_.Advance(kMinute);
  auto b = store_->Enqueue(Hook(42));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE(store_->Enqueue(Hook(7)).ok());
  ASSERT_TRUE(store_->Enqueue(Hook(0)).ok());

  EXPECT_EQ(a->status, "pending");
  EXPECT_EQ(a->attempts, 0);
  EXPECT_EQ(a->next_attempt_at, kStart);
  EXPECT_EQ(a->target, "admin@portal.kukarkab.go.id, it@diskominfo.kukarkab.go.id");
  EXPECT_EQ(a->recipients, Email(0).recipients);
  EXPECT_TRUE(a->payload.empty());
  EXPECT_EQ(a->payload_bytes, 30);
  auto full = store_->Get(a->id, true);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->payload, Email(0).payload) << "a BLOB: every byte kept";

  auto list = store_->ListForCase(42);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, b->id);
  EXPECT_EQ((*list)[1].id, a->id);
  EXPECT_EQ((*list)[0].kind, DispatchKind::kWebhook);
  EXPECT_TRUE((*list)[1].payload.empty());

  const auto j = nlohmann::json::parse((*list)[1].ToJson());
  EXPECT_EQ(j["id"], std::to_string(a->id));
  EXPECT_EQ(j["case_id"], "42");
  EXPECT_EQ(j["kind"], "email");
  EXPECT_EQ(j["recipients"].size(), 2u);
  EXPECT_EQ(j["status"], "pending");
  EXPECT_EQ(j["next_attempt_at"], "2026-03-01T00:00:00Z");
  EXPECT_EQ(j["sent_at"], nullptr);
  EXPECT_EQ(j["last_error"], nullptr);
  EXPECT_EQ(j["message_id"], "<abc@kukarkab.go.id>");
  EXPECT_EQ(j["payload_bytes"], 30);
  EXPECT_FALSE(j.contains("payload"));
  EXPECT_EQ(nlohmann::json::parse(store_->Get(4)->ToJson())["case_id"], nullptr);

  EXPECT_EQ(store_->Get(99).status().code(), StatusCode::kNotFound);
  NewDispatch no_rcpt = Email(1);
  no_rcpt.recipients.clear();
  EXPECT_EQ(store_->Enqueue(no_rcpt).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(DispatchStoreTest, TakeDueLeasesAndRecordAttemptMovesTheState) {
  const int64_t id = store_->Enqueue(Email(1))->id;
  const int64_t later = store_->Enqueue(Hook(1), 5 * kMinute)->id;
  auto due = store_->TakeDue(10 * kMinute, 10);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, id);
  EXPECT_EQ((*due)[0].payload, Email(0).payload);
  EXPECT_TRUE(store_->TakeDue(10 * kMinute, 10)->empty()) << "leased";
  EXPECT_EQ(**store_->NextDue(), kStart + 5 * kMinute);

  // A failure with a retry: pending again at the retry time.
  auto r =
      store_->RecordAttempt(id, {.error = "SMTP x: cannot connect", .retry_at = kStart + kMinute});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "pending");
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(r->next_attempt_at, kStart + kMinute);
  EXPECT_EQ(r->last_error, "SMTP x: cannot connect");

  clock_.Advance(kMinute);
  due = store_->TakeDue(10 * kMinute, 10);
  ASSERT_EQ(due->size(), 1u);
  r = store_->RecordAttempt(id, {.sent = true, .reply = "250 2.0.0 Ok: queued as 1A2B"});
  EXPECT_EQ(r->status, "sent");
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(r->sent_at, kStart + kMinute);
  EXPECT_EQ(r->reply, "250 2.0.0 Ok: queued as 1A2B");
  EXPECT_EQ(r->last_error, "SMTP x: cannot connect") << "kept: what happened before";
  EXPECT_EQ(store_->RecordAttempt(id, {.sent = true}).status().code(),
            StatusCode::kFailedPrecondition);

  // Giving up: failed, never due again.
  r = store_->RecordAttempt(later, {.error = "webhook telegram:-100123: HTTP 400"});
  EXPECT_EQ(r->status, "failed");
  EXPECT_EQ(r->attempts, 1);
  clock_.Advance(24 * 60 * kMinute);
  EXPECT_TRUE(store_->TakeDue(10 * kMinute, 10)->empty());
  EXPECT_FALSE(store_->NextDue()->has_value());
}

TEST_F(DispatchStoreTest, PendingAndLeasedDispatchesSurviveARestart) {
  const int64_t taken = store_->Enqueue(Email(1))->id;
  const int64_t untouched = store_->Enqueue(Hook(1))->id;
  ASSERT_EQ(store_->TakeDue(10 * kMinute, 1)->size(), 1u);  // the email, as if a crash followed
  Reopen();
  auto due = store_->TakeDue(10 * kMinute, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, untouched);
  ASSERT_TRUE(store_->RecordAttempt(untouched, {.sent = true}).ok());
  clock_.Advance(10 * kMinute);
  due = store_->TakeDue(10 * kMinute, 10);
  ASSERT_EQ(due->size(), 1u) << "due again when its lease ends";
  EXPECT_EQ((*due)[0].id, taken);
}

}  // namespace
}  // namespace pantau
