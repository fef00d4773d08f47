// DispatchStore: every notification Pantau sends, kept in DATA/pantau.db (`dispatches`) from the
// moment it is accepted, so that nothing accepted is lost across restarts. A dispatch is one
// email (the whole MIME message, its envelope sender and recipients) or one webhook call (the
// JSON body and its target), with its state: pending (due at next_attempt_at) -> sent, or
// failed after its last attempt; the number of attempts, the last error, the server's reply and
// when it was sent.
//
// TakeDue leases what it returns: it moves each dispatch's next_attempt_at past the lease, in
// the same transaction, so that no second taker sends it meanwhile; a process that dies while
// sending leaves the dispatch pending, due again when the lease ends.
//
// Thread-safety: DispatchStore's methods may be called from any thread (one connection behind a
// mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/db.h"

namespace pantau {

enum class DispatchKind { kEmail, kWebhook };
std::string_view DispatchKindName(DispatchKind kind);  // email, webhook

struct NewDispatch {
  int64_t case_id = 0;  // 0: about no case
  DispatchKind kind = DispatchKind::kEmail;
  std::vector<std::string> recipients;  // email
  std::string envelope_from;            // email
  std::string target;                   // webhook: the URL or telegram:<chat_id>
  std::string subject;                  // email: the subject; webhook: the event
  std::string message_id;               // email
  std::string payload;                  // the MIME message or the JSON body
  std::string created_by;               // a user name, or "pantau" for the server itself
};

struct Dispatch {
  int64_t id = 0;
  int64_t case_id = 0;
  DispatchKind kind = DispatchKind::kEmail;
  std::string target;  // email: the recipients joined by ", "
  std::vector<std::string> recipients;
  std::string envelope_from;
  std::string subject;
  std::string payload;  // only from TakeDue and Get(id, true)
  int64_t payload_bytes = 0;
  std::string status;  // pending, sent, failed
  int attempts = 0;
  TimeNs next_attempt_at = 0;
  std::string last_error;
  std::string message_id;
  std::string reply;
  TimeNs created_at = 0;
  TimeNs sent_at = 0;  // 0: not sent
  std::string created_by;

  // {"id", "case_id"|null, "kind", "target", "recipients" (email), "subject", "status",
  //  "attempts", "next_attempt_at"|null (pending only), "last_error"|null, "message_id"|null,
  //  "reply"|null, "created_at", "sent_at"|null, "created_by", "payload_bytes"}; never the
  //  payload.
  std::string ToJson() const;
};

// How one attempt went.
struct AttemptResult {
  bool sent = false;
  std::string reply;               // sent: the server's answer
  std::string error;               // not sent: why
  std::optional<TimeNs> retry_at;  // not sent: when to try again; none: give up (failed)
};

class DispatchStore {
 public:
  static Result<std::unique_ptr<DispatchStore>> Open(const std::string& data_dir,
                                                     const Clock& clock);

  // Records a pending dispatch, due `delay` from now (a caller that sends it itself at once
  // passes a lease, so that TakeDue leaves it alone meanwhile).
  Result<Dispatch> Enqueue(const NewDispatch& d, TimeNs delay = 0);
  // NotFound for an unknown id.
  Result<Dispatch> Get(int64_t id, bool with_payload = false);
  // The case's dispatches, newest first, without their payloads.
  Result<std::vector<Dispatch>> ListForCase(int64_t case_id);
  // Pending dispatches due now, oldest due first, at most `limit`, with their payloads; each
  // leased for `lease` (see above).
  Result<std::vector<Dispatch>> TakeDue(TimeNs lease, size_t limit);
  // The earliest next_attempt_at of a pending dispatch; none when nothing is pending.
  Result<std::optional<TimeNs>> NextDue();
  // Counts an attempt: sent, pending again at retry_at, or failed. FailedPrecondition when the
  // dispatch is no longer pending.
  Result<Dispatch> RecordAttempt(int64_t id, const AttemptResult& result);

 private:
  DispatchStore(sqlite::Db db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
  Result<Dispatch> GetLocked(int64_t id, bool with_payload);

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
};

}  // namespace pantau
