// Dispatcher: accepts notifications (an email built with mail_message.h, or a workflow step for
// the configured webhooks), records each as a dispatch (dispatch_store.h) before anything is
// sent, and sends the due ones from one background thread, retrying with backoff: by default
// 1 min, 5 min, 15 min, 1 h and 6 h after the 1st to 5th failed attempt, then the dispatch is
// failed with its last error. A permanent refusal (a 5xx reply to the sender, a recipient or the
// message; an HTTP 4xx) fails it at once. All times come from the injected Clock, so tests drive
// the schedule with a ManualClock and RunDue instead of sleeping.
//
// The thread wakes when something is enqueued, when the next dispatch falls due, and at least
// every `idle_poll` (which also picks up what another process enqueued). Stop() lets the attempt
// in flight finish and leaves everything else pending in pantau.db for the next start.
// SendMailNow makes the first attempt on the caller's thread, for an API route that answers with
// its result; the row is leased meanwhile, so the background thread does not send it twice.
//
// Thread-safety: every public method may be called from any thread. The transports must allow
// calls from two threads at once (the background thread and a SendMailNow); SmtpSender and
// WebhookSender do.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "notify/dispatch_store.h"
#include "notify/mail_message.h"
#include "notify/smtp_sender.h"
#include "notify/webhook_sender.h"

namespace pantau {

struct DispatcherOptions {
  // The wait after the 1st, 2nd, ... failed attempt; a dispatch gets backoff.size() + 1 attempts.
  std::vector<TimeNs> backoff = {60 * kNsPerSecond, 300 * kNsPerSecond, 900 * kNsPerSecond,
                                 3600 * kNsPerSecond, 6 * 3600 * kNsPerSecond};
  // How long a taken dispatch is left alone; longer than any send may take.
  TimeNs lease = 600 * kNsPerSecond;
  // The longest the thread sleeps without looking at the table (real time).
  std::chrono::milliseconds idle_poll{std::chrono::seconds(30)};
  // The From of a message that has none, and the envelope sender of every email.
  MailAddress from;
};

class Dispatcher {
 public:
  // `mail` may be null: no SMTP server is configured, and emails are refused.
  // REQUIRES: store, mail, webhook_transport and clock outlive the Dispatcher.
  Dispatcher(DispatchStore& store, MailTransport* mail, WebhookTransport& webhook_transport,
             std::vector<Webhook> webhooks, const Clock& clock, DispatcherOptions options);
  ~Dispatcher();  // Stop()
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Starts the background thread. REQUIRES: not started.
  void Start();
  // Finishes the attempt in flight, then joins the thread; what is pending stays pending.
  void Stop();

  // Builds the message (InvalidArgument names a refused field), records it, wakes the thread.
  // FailedPrecondition when no SMTP server is configured. case_id 0: about no case.
  Result<Dispatch> EnqueueMail(int64_t case_id, const MailMessage& message,
                               std::string_view created_by);
  // One dispatch per configured webhook that wants `n.event` (none is fine).
  Result<std::vector<Dispatch>> EnqueueWebhooks(int64_t case_id, const Notification& n,
                                                std::string_view created_by);
  // EnqueueMail, then the first attempt now on this thread: the dispatch as it stands after it
  // (sent; pending with its retry time and last error; or failed).
  Result<Dispatch> SendMailNow(int64_t case_id, const MailMessage& message,
                               std::string_view created_by);

  // Sends everything due now, one at a time, until nothing is due or Stop was called; the
  // number of attempts made. The background thread's work; tests call it directly.
  Result<int> RunDue();

  const std::vector<Webhook>& webhooks() const { return webhooks_; }

 private:
  Result<Dispatch> Record(int64_t case_id, const MailMessage& message, std::string_view created_by,
                          TimeNs delay);
  // One attempt at `d` (taken or leased), and its result recorded.
  Result<Dispatch> Attempt(const Dispatch& d);
  void Loop();

  DispatchStore& store_;
  MailTransport* const mail_;
  WebhookTransport& webhook_transport_;
  const std::vector<Webhook> webhooks_;
  const Clock& clock_;
  const DispatcherOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;     // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace pantau
