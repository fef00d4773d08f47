#include "cases/case_ref.h"

#include <fmt/format.h>

#include <charconv>

namespace pantau {

Result<CaseRef> ReadCaseRef(sqlite::Db& db, std::string_view id) {
  const bool by_number = id.starts_with("INS-");
  int64_t n = 0;
  if (!by_number) {
    const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
    if (ec != std::errc() || end != id.data() + id.size() || n <= 0) {
      return NotFound(fmt::format("no case '{}'", id));
    }
  }
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db.Prepare(by_number ? "SELECT id, number, state FROM cases WHERE number = ?"
                                        : "SELECT id, number, state FROM cases WHERE id = ?"));
  if (by_number) {
    st.BindText(1, id);
  } else {
    st.BindInt(1, n);
  }
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(fmt::format("no case '{}'", id));
  CaseRef ref;
  ref.id = st.Int(0);
  ref.number = st.Text(1);
  ASSIGN_OR_RETURN(ref.state, ParseCaseState(st.Text(2)));
  return ref;
}

Status CheckCaseOpen(const CaseRef& ref, std::string_view what) {
  if (ref.state != CaseState::kClosed) return Status::Ok();
  return FailedPrecondition(
      fmt::format("case {} is closed and no longer changes: {} cannot be added", ref.number, what));
}

std::string CaseAuditObject(int64_t case_id) { return fmt::format("case:{}", case_id); }

}  // namespace pantau
