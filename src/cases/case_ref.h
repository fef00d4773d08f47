// What the stores beside the case store (notes, the timeline) need to know of a case on their own
// connection to DATA/pantau.db: which case an id or number names, its number for the audit trail,
// and whether it is closed.
//
// Thread-safety: functions over a connection the caller holds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cases/workflow.h"
#include "core/status.h"
#include "store/sqlite/db.h"

namespace pantau {

struct CaseRef {
  int64_t id = 0;
  std::string number;  // INS-2026-0042
  CaseState state = CaseState::kTriage;
};

// The case `id` names: its id ("42") or its number ("INS-2026-0042"); NotFound otherwise.
Result<CaseRef> ReadCaseRef(sqlite::Db& db, std::string_view id);

// FailedPrecondition when the case is closed: a closed case no longer changes, its workspace
// neither. `what` says what was refused ("a note").
Status CheckCaseOpen(const CaseRef& ref, std::string_view what);

// The audit trail's object for a case, "case:42".
std::string CaseAuditObject(int64_t case_id);

// The stores of cases run their changes in sqlite::InWriteTransaction and call it unqualified.
using sqlite::InWriteTransaction;

}  // namespace pantau
