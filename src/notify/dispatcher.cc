#include "notify/dispatcher.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace pantau {
namespace {

// Refusals a retry will not change.
bool IsPermanent(const Status& s) {
  return s.code() == StatusCode::kFailedPrecondition || s.code() == StatusCode::kInvalidArgument;
}

}  // namespace

Dispatcher::Dispatcher(DispatchStore& store, MailTransport* mail,
                       WebhookTransport& webhook_transport, std::vector<Webhook> webhooks,
                       const Clock& clock, DispatcherOptions options)
    : store_(store),
      mail_(mail),
      webhook_transport_(webhook_transport),
      webhooks_(std::move(webhooks)),
      clock_(clock),
      options_(std::move(options)) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<Dispatch> Dispatcher::Record(int64_t case_id, const MailMessage& message,
                                    std::string_view created_by, TimeNs delay) {
  if (mail_ == nullptr) {
    return FailedPrecondition("email is not configured: set notify.smtp.url and notify.smtp.from");
  }
  MailMessage m = message;
  if (m.from.address.empty()) m.from = options_.from;
  ASSIGN_OR_RETURN(BuiltMail built, BuildMail(m, clock_.Now(), NewMessageToken()));
  NewDispatch d;
  d.case_id = case_id;
  d.kind = DispatchKind::kEmail;
  d.recipients = std::move(built.recipients);
  // The configured sender is the envelope's, so that bounces come back to the CSIRT's mailbox.
  d.envelope_from = options_.from.address.empty() ? built.envelope_from : options_.from.address;
  d.subject = m.subject;
  d.message_id = built.message_id;
  d.payload = std::move(built.data);
  d.created_by = std::string(created_by);
  return store_.Enqueue(d, delay);
}

Result<Dispatch> Dispatcher::EnqueueMail(int64_t case_id, const MailMessage& message,
                                         std::string_view created_by) {
  ASSIGN_OR_RETURN(Dispatch d, Record(case_id, message, created_by, 0));
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
  return d;
}

Result<std::vector<Dispatch>> Dispatcher::EnqueueWebhooks(int64_t case_id, const Notification& n,
                                                          std::string_view created_by) {
  std::vector<Dispatch> out;
  for (const Webhook& hook : webhooks_) {
    if (!hook.Wants(n.event)) continue;
    NewDispatch d;
    d.case_id = case_id;
    d.kind = DispatchKind::kWebhook;
    d.target = hook.Target();
    d.subject = n.event;
    d.payload = hook.Body(n);
    d.created_by = std::string(created_by);
    ASSIGN_OR_RETURN(Dispatch recorded, store_.Enqueue(d));
    out.push_back(std::move(recorded));
  }
  if (!out.empty()) {
    {
      std::lock_guard lock(mu_);
      woken_ = true;
    }
    wake_.notify_all();
  }
  return out;
}

Result<Dispatch> Dispatcher::SendMailNow(int64_t case_id, const MailMessage& message,
                                         std::string_view created_by) {
  // Recorded as leased, so the background thread leaves it to us.
  ASSIGN_OR_RETURN(Dispatch d, Record(case_id, message, created_by, options_.lease));
  ASSIGN_OR_RETURN(d, store_.Get(d.id, true));
  return Attempt(d);
}

Result<Dispatch> Dispatcher::Attempt(const Dispatch& d) {
  Result<std::string> sent = Internal("not attempted");
  if (d.kind == DispatchKind::kEmail) {
    sent = mail_ != nullptr ? mail_->Send(d.envelope_from, d.recipients, d.payload)
                            : Result<std::string>(FailedPrecondition(
                                  "email is not configured any more (notify.smtp.url)"));
  } else {
    const auto hook = std::find_if(webhooks_.begin(), webhooks_.end(),
                                   [&](const Webhook& h) { return h.Target() == d.target; });
    sent = hook == webhooks_.end() ? Result<std::string>(FailedPrecondition(fmt::format(
                                         "webhook {} is not configured any more", d.target)))
                                   : webhook_transport_.Post(hook->PostUrl(), d.payload, d.target);
  }
  AttemptResult result;
  if (sent.ok()) {
    result.sent = true;
    result.reply = *sent;
  } else {
    result.error = sent.status().message();
    const size_t failures = static_cast<size_t>(d.attempts) + 1;
    if (!IsPermanent(sent.status()) && failures <= options_.backoff.size()) {
      result.retry_at = clock_.Now() + options_.backoff[failures - 1];
    }
    spdlog::warn("notify: dispatch {} ({} to {}), attempt {}: {}{}", d.id, DispatchKindName(d.kind),
                 d.target, failures, result.error,
                 result.retry_at ? "; will retry" : "; giving up");
  }
  return store_.RecordAttempt(d.id, result);
}

Result<int> Dispatcher::RunDue() {
  int attempts = 0;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    ASSIGN_OR_RETURN(std::vector<Dispatch> due, store_.TakeDue(options_.lease, 1));
    if (due.empty()) break;
    ++attempts;
    RETURN_IF_ERROR(Attempt(due.front()).status());
  }
  return attempts;
}

void Dispatcher::Loop() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      woken_ = false;
    }
    // Sleep until the next dispatch falls due by the clock, a wake-up, or idle_poll; after an
    // error (the database), idle_poll.
    std::chrono::nanoseconds wait = options_.idle_poll;
    auto ran = RunDue();
    auto next = ran.ok() ? store_.NextDue() : Result<std::optional<TimeNs>>(ran.status());
    if (!next.ok()) {
      spdlog::error("notify: {}", next.status().ToString());
    } else if (next->has_value()) {
      const TimeNs until = std::max<TimeNs>(**next - clock_.Now(), 1'000'000);  // at least 1 ms
      wait = std::min<std::chrono::nanoseconds>(wait, std::chrono::nanoseconds(until));
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
  }
}

}  // namespace pantau
