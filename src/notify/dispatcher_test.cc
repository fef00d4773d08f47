#include "notify/dispatcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

namespace pantau {
namespace {

constexpr TimeNs kStart = 1'772'323'200LL * kNsPerSecond;  // 2026-03-01T00:00:00Z
constexpr TimeNs kMinute = 60 * kNsPerSecond;

// Fails its first `failures` sends with `code`, then delivers.
class FakeMail final : public MailTransport {
 public:
  explicit FakeMail(int failures, StatusCode code = StatusCode::kUnavailable)
      : failures_(failures), code_(code) {}
  Result<std::string> Send(std::string_view from, const std::vector<std::string>& recipients,
                           std::string_view data) override {
    std::lock_guard lock(mu_);
    ++calls_;
    from_ = std::string(from);
    recipients_ = recipients;
    data_ = std::string(data);
    if (calls_ <= failures_) return Status(code_, "SMTP fake: failure " + std::to_string(calls_));
    return std::string("250 2.0.0 Ok: queued as F") + std::to_string(calls_);
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

  std::mutex mu_;
  int calls_ = 0;
  std::string from_, data_;
  std::vector<std::string> recipients_;

 private:
  const int failures_;
  const StatusCode code_;
};

class FakeWebhooks final : public WebhookTransport {
 public:
  Result<std::string> Post(std::string_view url, std::string_view json,
                           std::string_view shown_as) override {
    std::lock_guard lock(mu_);
    posts_.push_back({std::string(url), std::string(json), std::string(shown_as)});
    return std::string("HTTP 200");
  }
  std::mutex mu_;
  std::vector<std::array<std::string, 3>> posts_;
};

MailMessage Letter() {
  MailMessage m;
  m.to = {{"Admin Portal", "admin@portal.kukarkab.go.id"}};
  m.subject = "Pemberitahuan insiden INS-2026-0042";
  m.body = "Dengan hormat,\n";
  return m;
}

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pantau_dispatcher_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto store = DispatchStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    options_.from = {"CSIRT Kukar", "csirt@kukarkab.go.id"};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Dispatcher> Make(MailTransport* mail, std::vector<Webhook> hooks = {}) {
    return std::make_unique<Dispatcher>(*store_, mail, webhooks_, std::move(hooks), clock_,
                                        options_);
  }
  Dispatch Get(int64_t id) { return *store_->Get(id); }

  std::filesystem::path dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<DispatchStore> store_;
  FakeWebhooks webhooks_;
  DispatcherOptions options_;
};

TEST_F(DispatcherTest, FailsTwiceThenSucceedsOnTheBackoffSchedule) {
  FakeMail mail(2);
  auto dispatcher = Make(&mail);
  auto d = dispatcher->EnqueueMail(42, Letter(), "kadis");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->envelope_from, "csirt@kukarkab.go.id");
  EXPECT_EQ(d->recipients, std::vector<std::string>{"admin@portal.kukarkab.go.id"});

  EXPECT_EQ(*dispatcher->RunDue(), 1);
  EXPECT_EQ(Get(d->id).status, "pending");
  EXPECT_EQ(Get(d->id).next_attempt_at, kStart + kMinute);
  EXPECT_EQ(Get(d->id).last_error, "SMTP fake: failure 1");
  EXPECT_NE(mail.data_.find("From: CSIRT Kukar <csirt@kukarkab.go.id>"), std::string::npos);

  clock_.Advance(kMinute - 1);
  EXPECT_EQ(*dispatcher->RunDue(), 0) << "not due before its time";
  clock_.Advance(1);
  EXPECT_EQ(*dispatcher->RunDue(), 1);
  EXPECT_EQ(Get(d->id).attempts, 2);
  EXPECT_EQ(Get(d->id).next_attempt_at, kStart + kMinute + 5 * kMinute);

  clock_.Advance(5 * kMinute);
  EXPECT_EQ(*dispatcher->RunDue(), 1);
  const Dispatch sent = Get(d->id);
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.attempts, 3);
  EXPECT_EQ(sent.reply, "250 2.0.0 Ok: queued as F3");
  EXPECT_EQ(sent.sent_at, kStart + 6 * kMinute);
  EXPECT_EQ(mail.calls(), 3);
  clock_.Advance(24 * 60 * kMinute);
  EXPECT_EQ(*dispatcher->RunDue(), 0);
}

TEST_F(DispatcherTest, GivesUpAfterTheLastBackoff) {
  FakeMail mail(1000);
  auto dispatcher = Make(&mail);
  const int64_t id = dispatcher->EnqueueMail(1, Letter(), "budi")->id;
  const TimeNs waits[] = {1, 5, 15, 60, 360};
  EXPECT_EQ(*dispatcher->RunDue(), 1);
  for (TimeNs w : waits) {
    ASSERT_EQ(Get(id).status, "pending");
    clock_.Set(Get(id).next_attempt_at - 1);
    EXPECT_EQ(*dispatcher->RunDue(), 0);
    clock_.Advance(1);
    EXPECT_EQ(*dispatcher->RunDue(), 1) << "after " << w << " min";
  }
  EXPECT_EQ(Get(id).status, "failed");
  EXPECT_EQ(Get(id).attempts, 6);
  EXPECT_EQ(Get(id).last_error, "SMTP fake: failure 6");
  EXPECT_EQ(clock_.Now(), kStart + (1 + 5 + 15 + 60 + 360) * kMinute);
}

TEST_F(DispatcherTest, APermanentRefusalFailsAtOnce) {
  FakeMail mail(1, StatusCode::kFailedPrecondition);
  auto dispatcher = Make(&mail);
  const int64_t id = dispatcher->EnqueueMail(1, Letter(), "budi")->id;
  EXPECT_EQ(*dispatcher->RunDue(), 1);
  EXPECT_EQ(Get(id).status, "failed");
  EXPECT_EQ(Get(id).attempts, 1);
}

TEST_F(DispatcherTest, RefusedMessagesAreNotRecordedAndNoSmtpMeansNoEmail) {
  FakeMail mail(0);
  auto dispatcher = Make(&mail);
  MailMessage bad = Letter();
  bad.subject = "x\r\nBcc: someone@example.org";
  auto d = dispatcher->EnqueueMail(1, bad, "budi");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->ListForCase(1)->empty());

  auto no_smtp = Make(nullptr);
  d = no_smtp->EnqueueMail(1, Letter(), "budi");
  EXPECT_EQ(d.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(DispatcherTest, WebhooksThatWantTheEvent) {
  Webhook all{.url = "https://hooks.example.org/all"};
  Webhook tg{.kind = WebhookKind::kTelegram,
             .chat_id = "-100123",
             .token = "1:secret",
             .events = {"approve", "notify"}};
  auto dispatcher = Make(nullptr, {all, tg});
  Notification n{.event = "submit", .case_number = "INS-2026-0042", .state = "submitted"};
  auto ds = dispatcher->EnqueueWebhooks(42, n, "budi");
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_EQ(ds->size(), 1u);
  n.event = "approve";
  ds = dispatcher->EnqueueWebhooks(42, n, "kadis");
  ASSERT_EQ(ds->size(), 2u);
  EXPECT_EQ((*ds)[1].target, "telegram:-100123");
  EXPECT_EQ((*ds)[1].subject, "approve");
  EXPECT_EQ(*dispatcher->RunDue(), 3);
  ASSERT_EQ(webhooks_.posts_.size(), 3u);
  EXPECT_EQ(webhooks_.posts_[2][0], "https://api.telegram.org/bot1:secret/sendMessage");
  EXPECT_EQ(webhooks_.posts_[2][2], "telegram:-100123");
  const auto listed = store_->ListForCase(42);
  ASSERT_TRUE(listed.ok());
  for (const Dispatch& d : *listed) {
    EXPECT_EQ(d.status, "sent");
    EXPECT_EQ(d.target.find("secret"), std::string::npos);
  }

  // A hook removed from the configuration before its dispatch was sent.
  auto other = Make(nullptr, {all});
  const auto again = dispatcher->EnqueueWebhooks(42, n, "kadis");
  ASSERT_TRUE(again.ok() && again->size() == 2);
  const int64_t id = again->back().id;
  EXPECT_EQ(*other->RunDue(), 2);
  EXPECT_EQ(Get(id).status, "failed");
  EXPECT_EQ(Get(id).last_error, "webhook telegram:-100123 is not configured any more");
}

TEST_F(DispatcherTest, SendNowAnswersWithTheFirstAttemptAndTheThreadLeavesItAlone) {
  FakeMail mail(1);
  auto dispatcher = Make(&mail);
  auto d = dispatcher->SendMailNow(42, Letter(), "kadis");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->status, "pending");
  EXPECT_EQ(d->attempts, 1);
  EXPECT_EQ(d->last_error, "SMTP fake: failure 1");
  EXPECT_EQ(d->next_attempt_at, kStart + kMinute);
  EXPECT_EQ(*dispatcher->RunDue(), 0);
  d = dispatcher->SendMailNow(42, Letter(), "kadis");
  EXPECT_EQ(d->status, "sent");
  EXPECT_EQ(d->reply, "250 2.0.0 Ok: queued as F2");
  EXPECT_EQ(*dispatcher->RunDue(), 0) << "leased while it was being sent";
  EXPECT_EQ(mail.calls(), 2);
}

TEST_F(DispatcherTest, TheThreadWakesOnEnqueueAndAcceptedMailSurvivesARestart) {
  options_.idle_poll = std::chrono::hours(1);  // only a wake-up can make it send in time
  FakeMail mail(1);
  auto dispatcher = Make(&mail);
  dispatcher->Start();
  const int64_t id = dispatcher->EnqueueMail(42, Letter(), "kadis")->id;
  for (int i = 0; i < 500 && Get(id).attempts == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Get(id).attempts, 1);
  dispatcher->Stop();
  EXPECT_EQ(Get(id).status, "pending") << "left for the next start";

  // A new store and dispatcher, as after a restart: the mail is sent when due.
  store_.reset();
  store_ = std::move(*DispatchStore::Open(dir_.string(), clock_));
  auto next = Make(&mail);
  clock_.Advance(kMinute);
  next->Start();
  for (int i = 0; i < 500 && Get(id).status == "pending"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Get(id).status, "sent");
  next->Stop();
}

}  // namespace
}  // namespace pantau
