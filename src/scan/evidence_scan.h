// Malware and webshell scanning of a case's evidence: the stored content is read and checked
// against its SHA-256 (as a download is), scanned by every engine of a MalwareScanner, and the
// results are recorded with the item (a `scanned` custody event, audit action evidence.scan).
//
// Thread-safety: as EvidenceStore and MalwareScanner, which it only calls.
#pragma once

#include <string_view>

#include "cases/evidence.h"
#include "scan/malware_scanner.h"

namespace pantau {

// The item with its custody and every scan, this one last. TooLarge when the item is larger than
// the scanner takes; ResourceExhausted when too many scans run; Internal (recorded as corrupt)
// when the stored content is not what was acquired.
Result<EvidenceItem> ScanEvidence(EvidenceStore& evidence, MalwareScanner& scanner,
                                  std::string_view case_id, std::string_view evidence_id,
                                  const Actor& actor, std::string_view note);

}  // namespace pantau
