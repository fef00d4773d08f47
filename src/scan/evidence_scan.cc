#include "scan/evidence_scan.h"

namespace pantau {

Result<EvidenceItem> ScanEvidence(EvidenceStore& evidence, MalwareScanner& scanner,
                                  std::string_view case_id, std::string_view evidence_id,
                                  const Actor& actor, std::string_view note) {
  ASSIGN_OR_RETURN(
      EvidenceStore::Content content,
      evidence.ReadForScan(case_id, evidence_id, actor, note, scanner.options().max_bytes));
  ASSIGN_OR_RETURN(std::vector<EngineScan> scans, scanner.Scan(content.bytes, content.item.name));
  std::vector<EvidenceScan> records;
  for (const EngineScan& s : scans) {
    EvidenceScan r;
    r.engine = s.engine;
    r.version = s.version;
    r.signatures = s.signatures;
    r.status = s.status;
    r.message = s.message;
    r.matches_json = s.MatchesJson();
    r.started = s.started;
    r.ended = s.ended;
    records.push_back(std::move(r));
  }
  return evidence.RecordScans(case_id, evidence_id, actor, note, std::move(records));
}

}  // namespace pantau
