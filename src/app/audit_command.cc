// `pantau audit verify`: walks the audit trail's hash chain in DATA/pantau.db. Exit 0 when it is
// intact (the head printed, to note down and compare later), 1 naming the first broken entry.
#include <cstdio>

#include "app/commands.h"
#include "auth/audit.h"

namespace pantau {

int RunAuditVerify(const Config& config) {
  auto v = VerifyAuditFile(config.data_dir);
  if (!v.ok()) return Fail(v.status());
  if (!v->triggers_present) {
    std::fprintf(stderr,
                 "pantau: warning: the audit log's append-only triggers are missing from %s/"
                 "pantau.db (someone removed them)\n",
                 config.data_dir.c_str());
  }
  if (v->broken_seq) {
    std::fprintf(stderr,
                 "pantau: audit trail broken at entry %lld: %s (%lld entries before it "
                 "are intact)\n",
                 static_cast<long long>(*v->broken_seq), v->problem.c_str(),
                 static_cast<long long>(v->entries));
    return kExitFailure;
  }
  std::printf("audit trail intact: %lld entries, last entry %lld, hash %s\n",
              static_cast<long long>(v->entries), static_cast<long long>(v->last_seq),
              v->last_hash.c_str());
  return kExitOk;
}

}  // namespace pantau
