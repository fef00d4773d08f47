#include "notify/dispatch_store.h"

#include <fmt/format.h>

#include "core/event.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

constexpr size_t kMaxErrorBytes = 2000;

// Every column but the payload, then the payload (or '' when not wanted).
constexpr std::string_view kColumns =
    "id, case_id, kind, target, envelope_from, subject, status, attempts, next_attempt_at, "
    "last_error, message_id, reply, created_at, sent_at, created_by, length(payload)";

std::string Shortened(std::string_view s) {
  if (s.size() <= kMaxErrorBytes) return std::string(s);
  size_t cut = kMaxErrorBytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
}

std::vector<std::string> SplitRecipients(std::string_view target) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < target.size()) {
    size_t end = target.find(", ", start);
    if (end == std::string_view::npos) end = target.size();
    out.emplace_back(target.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

Dispatch DispatchOf(const sqlite::Stmt& s, bool with_payload) {
  Dispatch d;
  d.id = s.Int(0);
  d.case_id = s.KindAt(1) == ValueKind::kNull ? 0 : s.Int(1);
  d.kind = s.Text(2) == "webhook" ? DispatchKind::kWebhook : DispatchKind::kEmail;
  d.target = std::string(s.Text(3));
  if (d.kind == DispatchKind::kEmail) d.recipients = SplitRecipients(d.target);
  d.envelope_from = std::string(s.Text(4));
  d.subject = std::string(s.Text(5));
  d.status = std::string(s.Text(6));
  d.attempts = static_cast<int>(s.Int(7));
  d.next_attempt_at = s.Int(8);
  d.last_error = std::string(s.Text(9));
  d.message_id = std::string(s.Text(10));
  d.reply = std::string(s.Text(11));
  d.created_at = s.Int(12);
  d.sent_at = s.KindAt(13) == ValueKind::kNull ? 0 : s.Int(13);
  d.created_by = std::string(s.Text(14));
  d.payload_bytes = s.Int(15);
  if (with_payload) d.payload = std::string(s.Text(16));
  return d;
}

std::string Select(bool with_payload, std::string_view where) {
  return fmt::format("SELECT {}, {} FROM dispatches {}", kColumns, with_payload ? "payload" : "''",
                     where);
}

}  // namespace

std::string_view DispatchKindName(DispatchKind kind) {
  return kind == DispatchKind::kWebhook ? "webhook" : "email";
}

std::string Dispatch::ToJson() const {
  std::string out = fmt::format(R"({{"id":"{}","case_id":)", id);
  out += case_id ? fmt::format(R"("{}")", case_id) : "null";
  AppendJsonMember(out, "kind", DispatchKindName(kind));
  AppendJsonMember(out, "target", target);
  if (kind == DispatchKind::kEmail) {
    out += R"(,"recipients":[)";
    for (size_t i = 0; i < recipients.size(); ++i) {
      if (i > 0) out += ',';
      AppendJsonString(out, recipients[i]);
    }
    out += ']';
  }
  AppendJsonMember(out, "subject", subject);
  AppendJsonMember(out, "status", status);
  out += fmt::format(R"(,"attempts":{})", attempts);
  AppendJsonMemberOrNull(out, "next_attempt_at",
                         status == "pending" ? FormatRfc3339(next_attempt_at) : "");
  AppendJsonMemberOrNull(out, "last_error", last_error);
  AppendJsonMemberOrNull(out, "message_id", message_id);
  AppendJsonMemberOrNull(out, "reply", reply);
  AppendJsonMember(out, "created_at", FormatRfc3339(created_at));
  AppendJsonMemberOrNull(out, "sent_at", sent_at ? FormatRfc3339(sent_at) : "");
  AppendJsonMember(out, "created_by", created_by);
  return out + fmt::format(R"(,"payload_bytes":{}}})", payload_bytes);
}

Result<std::unique_ptr<DispatchStore>> DispatchStore::Open(const std::string& data_dir,
                                                           const Clock& clock) {
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<DispatchStore>(new DispatchStore(std::move(db), clock));
}

Result<Dispatch> DispatchStore::Enqueue(const NewDispatch& d, TimeNs delay) {
  std::string target = d.target;
  if (d.kind == DispatchKind::kEmail) {
    if (d.recipients.empty()) return InvalidArgument("an email dispatch needs recipients");
    target.clear();
    for (const std::string& r : d.recipients) {
      if (r.find(',') != std::string::npos) {
        return InvalidArgument("a recipient address holds a comma: " + r);
      }
      target += (target.empty() ? "" : ", ") + r;
    }
  } else if (target.empty()) {
    return InvalidArgument("a webhook dispatch needs a target");
  }
  std::lock_guard lock(mu_);
  const TimeNs now = clock_.Now();
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("INSERT INTO dispatches(case_id, kind, target, envelope_from, "
                               "subject, payload, next_attempt_at, message_id, created_at, "
                               "created_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  if (d.case_id > 0) {
    st.BindInt(1, d.case_id);
  } else {
    st.BindNull(1);
  }
  st.BindText(2, DispatchKindName(d.kind));
  st.BindText(3, target);
  st.BindText(4, d.envelope_from);
  st.BindText(5, d.subject);
  st.BindBlobRef(6, d.payload);
  st.BindInt(7, now + delay);
  st.BindText(8, d.message_id);
  st.BindInt(9, now);
  st.BindText(10, d.created_by);
  RETURN_IF_ERROR(st.Run());
  return GetLocked(db_.LastInsertRowid(), false);
}

Result<Dispatch> DispatchStore::Get(int64_t id, bool with_payload) {
  std::lock_guard lock(mu_);
  return GetLocked(id, with_payload);
}

Result<Dispatch> DispatchStore::GetLocked(int64_t id, bool with_payload) {
  ASSIGN_OR_RETURN(sqlite::Stmt st, db_.Prepare(Select(with_payload, "WHERE id = ?")));
  st.BindInt(1, id);
  ASSIGN_OR_RETURN(const bool row, st.Step());
  if (!row) return NotFound(fmt::format("no dispatch {}", id));
  return DispatchOf(st, with_payload);
}

Result<std::vector<Dispatch>> DispatchStore::ListForCase(int64_t case_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare(Select(false, "WHERE case_id = ? ORDER BY id DESC")));
  st.BindInt(1, case_id);
  std::vector<Dispatch> out;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, st.Step());
    if (!row) break;
    out.push_back(DispatchOf(st, false));
  }
  return out;
}

Result<std::vector<Dispatch>> DispatchStore::TakeDue(TimeNs lease, size_t limit) {
  std::lock_guard lock(mu_);
  return sqlite::InWriteTransaction(db_, [&]() -> Result<std::vector<Dispatch>> {
    const TimeNs now = clock_.Now();
    ASSIGN_OR_RETURN(sqlite::Stmt st,
                     db_.Prepare(Select(true,
                                        "WHERE status = 'pending' AND next_attempt_at <= ? "
                                        "ORDER BY next_attempt_at, id LIMIT ?")));
    st.BindInt(1, now);
    st.BindInt(2, static_cast<int64_t>(limit));
    std::vector<Dispatch> out;
    while (true) {
      ASSIGN_OR_RETURN(const bool row, st.Step());
      if (!row) break;
      out.push_back(DispatchOf(st, true));
    }
    ASSIGN_OR_RETURN(sqlite::Stmt up,
                     db_.Prepare("UPDATE dispatches SET next_attempt_at = ? WHERE id = ?"));
    for (Dispatch& d : out) {
      d.next_attempt_at = now + lease;
      up.Reset();
      up.BindInt(1, d.next_attempt_at);
      up.BindInt(2, d.id);
      RETURN_IF_ERROR(up.Run());
    }
    return out;
  });
}

Result<std::optional<TimeNs>> DispatchStore::NextDue() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db_.Prepare("SELECT min(next_attempt_at) FROM dispatches WHERE status = 'pending'"));
  ASSIGN_OR_RETURN(const bool row, st.Step());
  if (!row || st.KindAt(0) == ValueKind::kNull) return std::optional<TimeNs>();
  return std::optional<TimeNs>(st.Int(0));
}

Result<Dispatch> DispatchStore::RecordAttempt(int64_t id, const AttemptResult& result) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(
      sqlite::InWriteTransaction(db_, [&]() -> Result<bool> {
        ASSIGN_OR_RETURN(const Dispatch d, GetLocked(id, false));
        if (d.status != "pending") {
          return FailedPrecondition(fmt::format("dispatch {} is {}, not pending", id, d.status));
        }
        const TimeNs now = clock_.Now();
        ASSIGN_OR_RETURN(sqlite::Stmt st,
                         db_.Prepare("UPDATE dispatches SET status = ?, attempts = attempts + 1, "
                                     "next_attempt_at = ?, last_error = ?, reply = ?, sent_at = ? "
                                     "WHERE id = ?"));
        if (result.sent) {
          st.BindText(1, "sent");
          st.BindInt(2, d.next_attempt_at);
          st.BindText(3, d.last_error);
          st.BindText(4, Shortened(result.reply));
          st.BindInt(5, now);
        } else {
          st.BindText(1, result.retry_at ? "pending" : "failed");
          st.BindInt(2, result.retry_at.value_or(d.next_attempt_at));
          st.BindText(3, Shortened(result.error));
          st.BindText(4, "");
          st.BindNull(5);
        }
        st.BindInt(6, id);
        RETURN_IF_ERROR(st.Run());
        return true;
      }).status());
  return GetLocked(id, false);
}

}  // namespace pantau
