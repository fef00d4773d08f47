// Evidence and PoC of a case (the SOP's step 5 output): uploaded files and pasted texts, each
// with its SHA-256, size, media type (sniffed from the content, never taken from the client),
// description, who added it and when, and a chain-of-custody log of every handling (acquired,
// viewed, downloaded, exported, attached, scanned for malware; and a failed integrity check,
// corrupt). Malware scans' results (scan/evidence_scan.h) are kept with the item, append-only.
//
// Content is stored content-addressed in DATA/evidence/<first two hex>/<sha256>: written to a
// temporary file under DATA/evidence/incoming/ (the same file system), fsync'd, and moved into
// place with a rename that never replaces a file; a blob of the same hash that is already there
// is reused and never overwritten. The path comes from the hash alone, so the name a client
// gives is a display label and nothing else. Items, their custody events and the audit entries
// (audit.h) that record them are written in one transaction in DATA/pantau.db; the evidence and
// custody tables are append-only (triggers), like the audit log.
//
// Thread-safety: EvidenceStore's methods may be called from any thread (one connection behind a
// mutex; several stores or processes on one data directory are serialised by SQLite's write
// lock). An EvidenceUpload or EvidenceReader belongs to one thread at a time.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cases/workflow.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/db.h"

namespace pantau {

inline constexpr uint64_t kDefaultMaxEvidenceBytes = uint64_t{100} << 20;

enum class CustodyEventKind {
  kAcquired,    // uploaded or pasted into the case
  kViewed,      // its record opened by a person
  kDownloaded,  // its content sent to a person, after the hash was checked
  kExported,    // copied out with a report or a package (the report feature records it)
  kAttached,    // attached to a report
  kCorrupt,     // the stored content no longer has its SHA-256 (or is gone): not served
  kScanned,     // its content, after the hash was checked, scanned for malware (RecordScans)
};
std::string_view CustodyEventName(CustodyEventKind kind);

struct CustodyEvent {
  int64_t seq = 0;  // 1, 2, 3, ... per item
  CustodyEventKind event = CustodyEventKind::kAcquired;
  std::string actor;
  std::string role;
  TimeNs time = 0;
  std::string note;
  int64_t audit_seq = 0;  // the audit trail's entry that records it

  // {"seq", "event", "actor", "role", "time", "note", "audit_seq"}
  std::string ToJson() const;
};

// One engine's malware scan of an item, as stored; the matches are the scanner's JSON array
// (scan/malware_scanner.h), which this layer keeps without reading it.
struct EvidenceScan {
  std::string engine;  // yara, clamav
  std::string version;
  int64_t signatures = 0;
  std::string status;  // ok, no_signatures, timeout, failed
  std::string message;
  std::string matches_json = "[]";
  TimeNs started = 0;
  TimeNs ended = 0;
  std::string actor;
  int64_t custody_seq = 0;  // the `scanned` custody event that records it

  // {"engine", "version", "signatures", "status", "message", "matches", "started", "ended",
  // "actor", "custody_seq"}
  std::string ToJson() const;
};

struct EvidenceItem {
  std::string id;
  std::string case_id;
  std::string case_number;
  std::string kind;  // file, text
  std::string name;  // as given: a display label, never a path
  std::string media_type;
  int64_t size = 0;
  std::string sha256;  // lowercase hex
  std::string description;
  std::string added_by;
  TimeNs added = 0;
  std::vector<CustodyEvent> custody;  // oldest first; filled by View and the readers
  std::vector<EvidenceScan> scans;    // oldest first; filled by Get, View, List and RecordScans

  // {"id", "case_id", "case_number", "kind", "name", "media_type", "size", "sha256",
  // "description", "added_by", "added", "scans": [scan...]} and, with `with_custody`,
  // "custody": [event...].
  std::string ToJson(bool with_custody) const;
};

struct EvidencePage {
  std::vector<EvidenceItem> items;  // in the order they were added, without custody
  std::string next_cursor;          // empty at the end
  int64_t total = 0;
};

// What a person says about a new item. The content comes separately (EvidenceUpload).
struct NewEvidence {
  std::string case_id;  // the case's id or number
  std::string kind = "file";
  std::string name;  // 1 to 255 bytes of UTF-8 without control characters; text: may be empty
  std::string description;
  std::string note;  // the acquisition's custody note, e.g. where it came from
};

// The media type of content from its first bytes (`head`, at most kSniffBytes of it); `complete`
// when `head` is all of it. text/plain (UTF-8 text), application/json, application/pdf,
// image/png, image/jpeg, application/zip, application/gzip, application/vnd.tcpdump.pcap,
// application/x-pcapng, application/x-ms-evtx, else application/octet-stream.
std::string SniffMediaType(std::string_view head, bool complete);
inline constexpr size_t kSniffBytes = 64 * 1024;

// Incremental SHA-256 (libsodium), lowercase hex at the end.
class Sha256Stream {
 public:
  Sha256Stream();
  void Update(std::string_view bytes);
  std::string HexDigest();  // ends the stream

 private:
  crypto_hash_sha256_state state_;
};

class EvidenceStore;

// One upload in progress: bytes go to a temporary file and the hash as they come, with no more
// than the sniffing window held in memory. Destroyed without a successful Commit, it leaves
// nothing on disk.
class EvidenceUpload {
 public:
  ~EvidenceUpload();
  EvidenceUpload(const EvidenceUpload&) = delete;
  EvidenceUpload& operator=(const EvidenceUpload&) = delete;

  // TooLarge once the content passes the store's limit; the temporary file is then gone and
  // every later call fails.
  Status Write(std::string_view bytes);
  // Puts the blob in place (or reuses the one with the same hash) and records the item with its
  // `acquired` event and audit entry. The case must still be open (FailedPrecondition).
  Result<EvidenceItem> Commit();

 private:
  friend class EvidenceStore;
  EvidenceUpload(EvidenceStore& store, NewEvidence item, Actor actor, int fd, std::string path);
  void Abort();

  EvidenceStore& store_;
  NewEvidence item_;
  Actor actor_;
  int fd_ = -1;
  std::string temp_path_;  // empty once moved or removed
  uint64_t size_ = 0;
  std::string head_;        // the first kSniffBytes
  std::string media_type_;  // sniffed from head_ when it is complete
  Sha256Stream hash_;
  Status failed_;
};

// A stored item's content, checked against its SHA-256 before it is handed out. Reads may come in
// any order (HTTP ranges); one read from start to end is checked a second time as it goes, so a
// file changed after the first check fails its last read rather than pass as good.
class EvidenceReader {
 public:
  ~EvidenceReader();
  EvidenceReader(const EvidenceReader&) = delete;
  EvidenceReader& operator=(const EvidenceReader&) = delete;

  const EvidenceItem& item() const { return item_; }
  uint64_t size() const { return static_cast<uint64_t>(item_.size); }
  // Up to `max` bytes from `offset` into `buffer`; Internal on a read error, or when a read that
  // ends the content sequentially finds it changed since it was checked.
  Result<size_t> Read(uint64_t offset, char* buffer, size_t max);

 private:
  friend class EvidenceStore;
  EvidenceReader(EvidenceItem item, int fd) : item_(std::move(item)), fd_(fd) {}

  EvidenceItem item_;
  int fd_ = -1;
  uint64_t sequential_ = 0;  // bytes hashed in order so far
  bool in_order_ = true;
  Sha256Stream hash_;
};

class EvidenceStore {
 public:
  struct Options {
    uint64_t max_bytes = kDefaultMaxEvidenceBytes;
  };
  static Result<std::unique_ptr<EvidenceStore>> Open(const std::string& data_dir,
                                                     const Clock& clock, Options options);

  uint64_t max_bytes() const { return options_.max_bytes; }
  // Where the blob of a SHA-256 lives: DATA/evidence/<first two hex>/<sha256>.
  std::string BlobPath(std::string_view sha256) const;

  // Checks the item (name, kind, description) and that the case exists and is open
  // (FailedPrecondition when closed), and opens the temporary file.
  Result<std::unique_ptr<EvidenceUpload>> BeginUpload(const NewEvidence& item, const Actor& actor);
  // The same in one call, for content already in memory.
  Result<EvidenceItem> Add(const NewEvidence& item, std::string_view content, const Actor& actor);

  // The case's items in the order they were added; `cursor` from the page before.
  Result<EvidencePage> List(std::string_view case_id, size_t limit, std::string_view cursor);
  // The item with its custody log, without recording anything.
  Result<EvidenceItem> Get(std::string_view case_id, std::string_view evidence_id);
  // The same for a person who opens it: records `viewed` first.
  Result<EvidenceItem> View(std::string_view case_id, std::string_view evidence_id,
                            const Actor& actor, std::string_view note);
  // Checks the stored content's SHA-256 and records `downloaded`, or, when it does not match
  // (or is gone), records `corrupt` (audit action evidence.corrupt) and answers Internal.
  Result<std::unique_ptr<EvidenceReader>> OpenContent(std::string_view case_id,
                                                      std::string_view evidence_id,
                                                      const Actor& actor, std::string_view note);
  // The whole content for a malware scan, checked against its SHA-256 as OpenContent does (a
  // mismatch records `corrupt` and answers Internal); nothing is recorded when it matches, since
  // RecordScans records the scan with its results. TooLarge, before anything is read, when the
  // item is larger than `max_bytes`.
  struct Content {
    EvidenceItem item;
    std::string bytes;
  };
  Result<Content> ReadForScan(std::string_view case_id, std::string_view evidence_id,
                              const Actor& actor, std::string_view note, uint64_t max_bytes);
  // Records `scanned` (audit action evidence.scan, with each engine's status and matches) and the
  // scans in one transaction; answers the item with its custody and every scan.
  Result<EvidenceItem> RecordScans(std::string_view case_id, std::string_view evidence_id,
                                   const Actor& actor, std::string_view note,
                                   std::vector<EvidenceScan> scans);
  // Records that the item was exported or attached to a report (kExported or kAttached only;
  // the other events are recorded by the calls that do them).
  Result<CustodyEvent> RecordCustody(std::string_view case_id, std::string_view evidence_id,
                                     CustodyEventKind event, const Actor& actor,
                                     std::string_view note);

 private:
  friend class EvidenceUpload;
  EvidenceStore(sqlite::Db db, const Clock& clock, std::string root, Options options)
      : db_(std::move(db)), clock_(clock), root_(std::move(root)), options_(options) {}
  Result<EvidenceItem> CommitUpload(EvidenceUpload& upload, const std::string& sha256);
  Result<EvidenceItem> ItemLocked(std::string_view case_id, std::string_view evidence_id);
  Result<EvidenceItem> ItemByIdLocked(int64_t id);
  Result<std::vector<EvidenceScan>> ScansLocked(int64_t evidence_id);
  // Records `corrupt` for the item and answers the Internal status that says so.
  Status RecordCorrupt(std::string_view case_id, std::string_view evidence_id,
                       const EvidenceItem& item, const Actor& actor, std::string_view note,
                       const std::string& found, const std::string& problem);
  Result<CustodyEvent> AppendCustodyLocked(const EvidenceItem& item, CustodyEventKind event,
                                           const Actor& actor, std::string_view note,
                                           std::string_view details_json);
  // Runs `work` in a write transaction, committing when it succeeds.
  template <typename T, typename F>
  Result<T> Write(F&& work);

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
  std::string root_;  // DATA/evidence
  Options options_;
};

}  // namespace pantau
