#include "cases/evidence.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "auth/audit.h"
#include "auth/roles.h"
#include "auth/secrets.h"
#include "cases/json_text.h"
#include "core/event.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

constexpr size_t kMaxName = 255;
constexpr size_t kMaxDescription = 4000;
constexpr size_t kMaxNote = 1000;
constexpr std::string_view kPastedTextName = "pasted-text.txt";
// Temporary files older than this in DATA/evidence/incoming/ are left over from a crash.
constexpr TimeNs kStaleUpload = kNsPerDay;

constexpr std::string_view kEventNames[] = {"acquired", "viewed",  "downloaded", "exported",
                                            "attached", "corrupt", "scanned"};
// The audit trail's action for each custody event.
constexpr std::string_view kAuditActions[] = {
    "evidence.acquire", "evidence.view",    "evidence.download", "evidence.export",
    "evidence.attach",  "evidence.corrupt", "evidence.scan"};

constexpr std::string_view kItemColumns =
    "e.id, e.case_id, c.number, e.kind, e.name, e.media_type, e.size, e.sha256, e.description, "
    "e.added_by, e.added FROM evidence e JOIN cases c ON c.id = e.case_id";

std::string Errno(int err) { return std::strerror(err); }

// Valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF); with `cut_at_end` a
// sequence that the end of `s` cuts short is allowed, since `s` may be the head of more.
bool IsUtf8(std::string_view s, bool cut_at_end) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0, min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + len > n) {
      if (!cut_at_end) return false;
      for (size_t j = i + 1; j < n; ++j) {
        if ((static_cast<unsigned char>(s[j]) & 0xC0) != 0x80) return false;
      }
      return true;
    }
    for (size_t j = 1; j < len; ++j) {
      const auto d = static_cast<unsigned char>(s[i + j]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Text as a person or a log writes it: UTF-8 with no control characters but tab, line breaks,
// form feed and escape (terminal colours in logs).
bool IsText(std::string_view s, bool cut_at_end) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1B) ||
        c == 0x7F) {
      return false;
    }
  }
  return IsUtf8(s, cut_at_end);
}

// C0 and C1 control characters, and the Unicode marks that reorder text on screen (a name
// "invoice\u202Efdp.exe" shows as "invoiceexe.pdf").
bool HasControlOrBidi(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < s.size()) {
      const auto d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0x9F) return true;  // U+0080 .. U+009F
    }
    if (c == 0xE2 && i + 2 < s.size()) {
      const auto d = static_cast<unsigned char>(s[i + 1]);
      const auto e = static_cast<unsigned char>(s[i + 2]);
      if (d == 0x80 && ((e >= 0x8E && e <= 0x8F) || (e >= 0xAA && e <= 0xAE))) return true;
      if (d == 0x81 && e >= 0xA6 && e <= 0xA9) return true;  // U+2066 .. U+2069
    }
  }
  return false;
}

// Checks that JSON text is an object or array, or the start of one: nlohmann's SAX parser stops
// at the first error, and an error past the end of `head` only means the window ended.
struct JsonPrefixCheck {
  using json = nlohmann::json;
  bool ok = true;
  size_t end = 0;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(size_t) { return true; }
  bool key(std::string&) { return true; }
  bool end_object() { return true; }
  bool start_array(size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(size_t position, const std::string&, const nlohmann::detail::exception&) {
    ok = position > end;  // ran out of input
    return false;
  }
};

bool LooksLikeJson(std::string_view head, bool complete) {
  std::string_view body = head;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (body[first] != '{' && body[first] != '[')) return false;
  JsonPrefixCheck check;
  check.end = head.size();
  try {
    const bool parsed = nlohmann::json::sax_parse(head, &check);
    return parsed || (!complete && check.ok);
  } catch (...) {
    return false;
  }
}

bool HasAt(std::string_view s, size_t at, std::string_view magic) {
  return s.size() >= at + magic.size() && s.substr(at, magic.size()) == magic;
}

using namespace std::string_view_literals;

constexpr std::pair<std::string_view, std::string_view> kMagic[] = {
    {"%PDF-"sv, "application/pdf"},
    {"\x89PNG\r\n\x1a\n"sv, "image/png"},
    {"\xFF\xD8\xFF"sv, "image/jpeg"},
    {"PK\x03\x04"sv, "application/zip"},
    {"PK\x05\x06"sv, "application/zip"},  // an empty archive
    {"PK\x07\x08"sv, "application/zip"},  // a spanned one
    {"\x1F\x8B"sv, "application/gzip"},
    {"\xD4\xC3\xB2\xA1"sv, "application/vnd.tcpdump.pcap"},  // little-endian, microseconds
    {"\xA1\xB2\xC3\xD4"sv, "application/vnd.tcpdump.pcap"},  // big-endian
    {"\x4D\x3C\xB2\xA1"sv, "application/vnd.tcpdump.pcap"},  // little-endian, nanoseconds
    {"\xA1\xB2\x3C\x4D"sv, "application/vnd.tcpdump.pcap"},
    {"ElfFile\0"sv, "application/x-ms-evtx"},
};

Status CheckText(std::string_view field, std::string_view value, size_t max, bool one_line) {
  if (value.size() > max) {
    return InvalidArgument(fmt::format("{}: at most {} bytes", field, max));
  }
  if (!IsUtf8(value, false)) return InvalidArgument(fmt::format("{}: not UTF-8 text", field));
  const bool bad =
      one_line ? HasControlOrBidi(value) : std::any_of(value.begin(), value.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F;
      });
  if (bad) {
    return InvalidArgument(fmt::format(
        "{}: {} are not allowed", field,
        one_line ? "control characters (NUL, line breaks, tabs) and direction-changing marks"
                 : "control characters other than tab and line breaks"));
  }
  return Status::Ok();
}

Status CheckNewEvidence(NewEvidence& e) {
  if (e.kind != "file" && e.kind != "text") {
    return InvalidArgument(fmt::format(
        "kind: '{}' is not file (an uploaded file) or text (pasted text)", e.kind.substr(0, 50)));
  }
  if (e.name.empty()) {
    if (e.kind == "file") {
      return InvalidArgument(
          "name: give the file's name (a label only: the content is stored by its SHA-256)");
    }
    e.name = std::string(kPastedTextName);
  }
  RETURN_IF_ERROR(CheckText("name", e.name, kMaxName, true));
  RETURN_IF_ERROR(CheckText("description", e.description, kMaxDescription, false));
  if (e.note.size() > kMaxNote) e.note.resize(kMaxNote);
  if (!IsUtf8(e.note, false)) e.note = "(not UTF-8)";
  return Status::Ok();
}

bool IsSha256Hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Internal(fmt::format("cannot write {}: {}", path, Errno(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// A folder of the store, made private to the server's user (and its group, for backups).
Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0750) != 0 && errno != EEXIST) {
    return Internal(fmt::format("cannot create {}: {}", path, Errno(errno)));
  }
  return Status::Ok();
}

// Makes a rename or a new file in `dir` durable.
Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Internal(fmt::format("cannot open {}: {}", dir, Errno(errno)));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Internal(fmt::format("cannot sync {}: {}", dir, Errno(err)));
  return Status::Ok();
}

// Moves `from` to `to` unless `to` exists: true when moved, false when `to` was there already.
Result<bool> RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno == EEXIST) return false;
  if (errno != EINVAL && errno != ENOSYS) {
    return Internal(fmt::format("cannot move {} to {}: {}", from, to, Errno(errno)));
  }
  // A file system without RENAME_NOREPLACE: a hard link never replaces either.
  if (::link(from.c_str(), to.c_str()) != 0) {
    if (errno == EEXIST) return false;
    return Internal(fmt::format("cannot link {} to {}: {}", from, to, Errno(errno)));
  }
  ::unlink(from.c_str());
  return true;
}

// Removes temporary files that a crash left behind.
void RemoveStaleUploads(const std::string& incoming, TimeNs now) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (auto it = fs::directory_iterator(incoming, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    struct stat st {};
    if (!it->path().string().ends_with(".part") || ::stat(it->path().c_str(), &st) != 0) continue;
    const TimeNs modified = static_cast<TimeNs>(st.st_mtim.tv_sec) * kNsPerSecond;
    if (now - modified > kStaleUpload) ::unlink(it->path().c_str());
  }
}

Result<int64_t> ParseId(std::string_view id, std::string_view what) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || end != id.data() + id.size() || v <= 0) {
    return NotFound(fmt::format("no {} '{}'", what, id.substr(0, 100)));
  }
  return v;
}

struct CaseRef {
  int64_t id = 0;
  std::string number;
  std::string state;
};

// A case by its id or its number.
Result<CaseRef> LookupCase(sqlite::Db& db, std::string_view id) {
  const bool by_number = id.starts_with("INS-");
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db.Prepare(by_number ? "SELECT id, number, state FROM cases WHERE number = ?"
                                        : "SELECT id, number, state FROM cases WHERE id = ?"));
  if (by_number) {
    st.BindText(1, id);
  } else {
    ASSIGN_OR_RETURN(int64_t n, ParseId(id, "case"));
    st.BindInt(1, n);
  }
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(fmt::format("no case '{}'", id.substr(0, 100)));
  return CaseRef{st.Int(0), std::string(st.Text(1)), std::string(st.Text(2))};
}

Status CheckOpen(const CaseRef& c) {
  if (c.state == "closed") {
    return FailedPrecondition(
        fmt::format("case {} is closed: no evidence is added to it any more", c.number));
  }
  return Status::Ok();
}

EvidenceItem ItemOf(const sqlite::Stmt& s) {
  EvidenceItem e;
  e.id = std::to_string(s.Int(0));
  e.case_id = std::to_string(s.Int(1));
  e.case_number = s.Text(2);
  e.kind = s.Text(3);
  e.name = s.Text(4);
  e.media_type = s.Text(5);
  e.size = s.Int(6);
  e.sha256 = s.Text(7);
  e.description = s.Text(8);
  e.added_by = s.Text(9);
  e.added = s.Int(10);
  return e;
}

}  // namespace

std::string_view CustodyEventName(CustodyEventKind kind) {
  return kEventNames[static_cast<int>(kind)];
}

std::string CustodyEvent::ToJson() const {
  std::string out = fmt::format(R"({{"seq":{})", seq);
  AppendJsonMember(out, "event", CustodyEventName(event));
  AppendJsonMember(out, "actor", actor);
  AppendJsonMember(out, "role", role);
  AppendJsonMember(out, "time", FormatRfc3339(time));
  AppendJsonMember(out, "note", note);
  return out + fmt::format(R"(,"audit_seq":{}}})", audit_seq);
}

std::string EvidenceScan::ToJson() const {
  std::string out = R"({"engine":)";
  AppendJsonString(out, engine);
  AppendJsonMember(out, "version", version);
  out += fmt::format(R"(,"signatures":{})", signatures);
  AppendJsonMember(out, "status", status);
  AppendJsonMember(out, "message", message);
  // Written by this server from the scanner's JSON (JsonText); anything else is not shown.
  const auto matches = nlohmann::json::parse(matches_json, nullptr, false);
  out += R"(,"matches":)";
  out += matches.is_array() ? matches_json : std::string("[]");
  AppendJsonMember(out, "started", FormatRfc3339(started));
  AppendJsonMember(out, "ended", FormatRfc3339(ended));
  AppendJsonMember(out, "actor", actor);
  return out + fmt::format(R"(,"custody_seq":{}}})", custody_seq);
}

std::string EvidenceItem::ToJson(bool with_custody) const {
  std::string out = R"({"id":)";
  AppendJsonString(out, id);
  AppendJsonMember(out, "case_id", case_id);
  AppendJsonMember(out, "case_number", case_number);
  AppendJsonMember(out, "kind", kind);
  AppendJsonMember(out, "name", name);
  AppendJsonMember(out, "media_type", media_type);
  out += fmt::format(R"(,"size":{})", size);
  AppendJsonMember(out, "sha256", sha256);
  AppendJsonMember(out, "description", description);
  AppendJsonMember(out, "added_by", added_by);
  AppendJsonMember(out, "added", FormatRfc3339(added));
  out += R"(,"scans":[)";
  for (size_t i = 0; i < scans.size(); ++i) {
    if (i > 0) out += ',';
    out += scans[i].ToJson();
  }
  out += "]";
  if (with_custody) {
    out += R"(,"custody":[)";
    for (size_t i = 0; i < custody.size(); ++i) {
      if (i > 0) out += ',';
      out += custody[i].ToJson();
    }
    out += "]";
  }
  return out + "}";
}

std::string SniffMediaType(std::string_view head, bool complete) {
  for (const auto& [magic, type] : kMagic) {
    if (head.starts_with(magic)) return std::string(type);
  }
  // pcapng: a section header block, and its byte-order magic to tell it from text.
  if (head.starts_with("\x0A\x0D\x0D\x0A"sv) &&
      (HasAt(head, 8, "\x4D\x3C\x2B\x1A"sv) || HasAt(head, 8, "\x1A\x2B\x3C\x4D"sv))) {
    return "application/x-pcapng";
  }
  if (!IsText(head, !complete)) return "application/octet-stream";
  if (LooksLikeJson(head, complete)) return "application/json";
  return "text/plain";
}

Sha256Stream::Sha256Stream() { crypto_hash_sha256_init(&state_); }

void Sha256Stream::Update(std::string_view bytes) {
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
}

std::string Sha256Stream::HexDigest() {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state_, digest.data());
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char b : digest) out += fmt::format("{:02x}", b);
  return out;
}

// EvidenceUpload

EvidenceUpload::EvidenceUpload(EvidenceStore& store, NewEvidence item, Actor actor, int fd,
                               std::string path)
    : store_(store),
      item_(std::move(item)),
      actor_(std::move(actor)),
      fd_(fd),
      temp_path_(std::move(path)) {}

EvidenceUpload::~EvidenceUpload() { Abort(); }

void EvidenceUpload::Abort() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
}

Status EvidenceUpload::Write(std::string_view bytes) {
  if (!failed_.ok()) return failed_;
  if (fd_ < 0) {
    failed_ = FailedPrecondition("the upload is finished");
    return failed_;
  }
  if (bytes.size() > store_.max_bytes() - size_) {
    Abort();
    failed_ = TooLarge(fmt::format(
        "the evidence is larger than cases.max_evidence_bytes ({} bytes); nothing was kept",
        store_.max_bytes()));
    return failed_;
  }
  if (head_.size() < kSniffBytes) {
    head_.append(bytes.substr(0, kSniffBytes - head_.size()));
  }
  hash_.Update(bytes);
  if (Status s = WriteAll(fd_, bytes, temp_path_); !s.ok()) {
    Abort();
    failed_ = s;
    return failed_;
  }
  size_ += bytes.size();
  return Status::Ok();
}

Result<EvidenceItem> EvidenceUpload::Commit() {
  if (!failed_.ok()) return failed_;
  if (fd_ < 0) return FailedPrecondition("the upload is finished");
  auto fail = [&](Status s) {
    Abort();
    failed_ = s;
    return s;
  };
  if (size_ == 0) {
    return fail(InvalidArgument(item_.kind == "text"
                                    ? "the text is empty: paste the text as the request body"
                                    : "the file is empty: send its bytes as the request body"));
  }
  const bool complete = size_ == head_.size();
  std::string media_type = SniffMediaType(head_, complete);
  if (item_.kind == "text" && media_type != "text/plain" && media_type != "application/json") {
    return fail(InvalidArgument(
        "kind text: the content is not UTF-8 text; upload it as a file (kind=file)"));
  }
  // Read-only from the start: a blob is never written again.
  if (::fchmod(fd_, 0440) != 0 || ::fsync(fd_) != 0) {
    return fail(Internal(fmt::format("cannot sync {}: {}", temp_path_, Errno(errno))));
  }
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return fail(Internal(fmt::format("cannot close {}: {}", temp_path_, Errno(errno))));
  media_type_ = std::move(media_type);
  head_.clear();
  auto item = store_.CommitUpload(*this, hash_.HexDigest());
  if (!item.ok()) return fail(item.status());
  Abort();  // the temporary file is gone by now (moved, or removed as a duplicate)
  failed_ = FailedPrecondition("the upload is finished");
  return item;
}

// EvidenceReader

EvidenceReader::~EvidenceReader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<size_t> EvidenceReader::Read(uint64_t offset, char* buffer, size_t max) {
  if (offset >= size()) return size_t{0};
  const size_t want = static_cast<size_t>(std::min<uint64_t>(max, size() - offset));
  size_t got = 0;
  while (got < want) {
    const ssize_t n = ::pread(fd_, buffer + got, want - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Internal(fmt::format("evidence {}: read error: {}", item_.id, Errno(errno)));
    if (n == 0) {
      return Internal(
          fmt::format("evidence {}: the stored content ended early (changed on disk)", item_.id));
    }
    got += static_cast<size_t>(n);
  }
  if (in_order_ && offset == sequential_) {
    hash_.Update({buffer, got});
    sequential_ += got;
    if (sequential_ == size() && hash_.HexDigest() != item_.sha256) {
      return Internal(fmt::format(
          "evidence {}: the stored content changed while it was being sent; stopped", item_.id));
    }
  } else {
    in_order_ = false;
  }
  return got;
}

// EvidenceStore

Result<std::unique_ptr<EvidenceStore>> EvidenceStore::Open(const std::string& data_dir,
                                                           const Clock& clock, Options options) {
  if (sodium_init() < 0) return Internal("libsodium cannot be initialised");
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  const std::string root = data_dir + "/evidence";
  RETURN_IF_ERROR(MakeDir(root));
  RETURN_IF_ERROR(MakeDir(root + "/incoming"));
  RemoveStaleUploads(root + "/incoming", clock.Now());
  return std::unique_ptr<EvidenceStore>(new EvidenceStore(std::move(db), clock, root, options));
}

std::string EvidenceStore::BlobPath(std::string_view sha256) const {
  return fmt::format("{}/{}/{}", root_, sha256.substr(0, 2), sha256);
}

Result<std::unique_ptr<EvidenceUpload>> EvidenceStore::BeginUpload(const NewEvidence& input,
                                                                   const Actor& actor) {
  NewEvidence item = input;
  RETURN_IF_ERROR(CheckNewEvidence(item));
  {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(CaseRef c, LookupCase(db_, item.case_id));
    RETURN_IF_ERROR(CheckOpen(c));
  }
  const std::string path = fmt::format("{}/incoming/{}.part", root_, RandomHex(16));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Internal(fmt::format("cannot create {}: {}", path, Errno(errno)));
  return std::unique_ptr<EvidenceUpload>(
      new EvidenceUpload(*this, std::move(item), actor, fd, path));
}

Result<EvidenceItem> EvidenceStore::Add(const NewEvidence& item, std::string_view content,
                                        const Actor& actor) {
  ASSIGN_OR_RETURN(std::unique_ptr<EvidenceUpload> upload, BeginUpload(item, actor));
  RETURN_IF_ERROR(upload->Write(content));
  return upload->Commit();
}

template <typename T, typename F>
Result<T> EvidenceStore::Write(F&& work) {
  RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  Result<T> out = work();
  Status s = out.ok() ? db_.Exec("COMMIT") : out.status();
  if (!s.ok()) {
    (void)db_.Exec("ROLLBACK");
    return s;
  }
  return out;
}

Result<EvidenceItem> EvidenceStore::CommitUpload(EvidenceUpload& upload,
                                                 const std::string& sha256) {
  const NewEvidence& in = upload.item_;
  const std::string& media_type = upload.media_type_;
  const std::string dir = fmt::format("{}/{}", root_, sha256.substr(0, 2));
  const std::string blob = BlobPath(sha256);
  std::lock_guard lock(mu_);
  // The blob is moved into place inside the write transaction: every store and process does so,
  // so a blob this upload placed is referenced by nothing else until it commits, and can be
  // taken away again if it does not.
  bool placed = false;
  auto item = Write<EvidenceItem>([&]() -> Result<EvidenceItem> {
    const TimeNs now = clock_.Now();
    ASSIGN_OR_RETURN(CaseRef c, LookupCase(db_, in.case_id));
    RETURN_IF_ERROR(CheckOpen(c));
    RETURN_IF_ERROR(MakeDir(dir));
    ASSIGN_OR_RETURN(placed, RenameNoReplace(upload.temp_path_, blob));
    if (placed) {
      upload.temp_path_.clear();
      RETURN_IF_ERROR(SyncDir(dir));
      RETURN_IF_ERROR(SyncDir(root_));
    } else {
      // The same content is stored already: keep that blob, never overwrite it.
      ::unlink(upload.temp_path_.c_str());
      upload.temp_path_.clear();
    }
    ASSIGN_OR_RETURN(
        sqlite::Stmt ins,
        db_.Prepare(
            "INSERT INTO evidence(case_id, kind, name, media_type, size, sha256, "
            "description, added_by, added) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    ins.BindInt(1, c.id);
    ins.BindText(2, in.kind);
    ins.BindText(3, in.name);
    ins.BindText(4, media_type);
    ins.BindInt(5, static_cast<int64_t>(upload.size_));
    ins.BindText(6, sha256);
    ins.BindText(7, in.description);
    ins.BindText(8, upload.actor_.name);
    ins.BindInt(9, now);
    ASSIGN_OR_RETURN(bool row, ins.Step());
    if (!row) return Internal("the evidence was not stored");
    const int64_t id = ins.Int(0);
    ins.Reset();
    ASSIGN_OR_RETURN(EvidenceItem item, ItemByIdLocked(id));
    const nlohmann::json details = {{"kind", in.kind},
                                    {"media_type", media_type},
                                    {"size", upload.size_},
                                    {"description", in.description},
                                    {"stored", placed ? "new" : "existing blob of the same hash"}};
    ASSIGN_OR_RETURN(CustodyEvent acquired,
                     AppendCustodyLocked(item, CustodyEventKind::kAcquired, upload.actor_, in.note,
                                         JsonText(details)));
    item.custody.push_back(std::move(acquired));
    return item;
  });
  if (!item.ok() && placed) ::unlink(blob.c_str());
  return item;
}

Result<EvidenceItem> EvidenceStore::ItemByIdLocked(int64_t id) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare(fmt::format("SELECT {} WHERE e.id = ?", kItemColumns)));
  st.BindInt(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(fmt::format("no evidence '{}'", id));
  return ItemOf(st);
}

Result<EvidenceItem> EvidenceStore::ItemLocked(std::string_view case_id,
                                               std::string_view evidence_id) {
  ASSIGN_OR_RETURN(CaseRef c, LookupCase(db_, case_id));
  ASSIGN_OR_RETURN(int64_t id, ParseId(evidence_id, "evidence"));
  ASSIGN_OR_RETURN(EvidenceItem item, ItemByIdLocked(id));
  if (item.case_id != std::to_string(c.id)) {
    return NotFound(fmt::format("no evidence '{}' in case {}", id, c.number));
  }
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT seq, event, actor, role, time, note, audit_seq FROM "
                               "evidence_custody WHERE evidence_id = ? ORDER BY seq"));
  st.BindInt(1, id);
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    CustodyEvent e;
    e.seq = st.Int(0);
    const auto name = std::find(std::begin(kEventNames), std::end(kEventNames), st.Text(1));
    if (name == std::end(kEventNames)) {
      return Internal(fmt::format("evidence {}: unknown custody event '{}'", id, st.Text(1)));
    }
    e.event = static_cast<CustodyEventKind>(name - std::begin(kEventNames));
    e.actor = st.Text(2);
    e.role = st.Text(3);
    e.time = st.Int(4);
    e.note = st.Text(5);
    e.audit_seq = st.Int(6);
    item.custody.push_back(std::move(e));
  }
  ASSIGN_OR_RETURN(item.scans, ScansLocked(id));
  return item;
}

Result<std::vector<EvidenceScan>> EvidenceStore::ScansLocked(int64_t evidence_id) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT engine, version, signatures, status, message, matches, "
                               "started, ended, actor, custody_seq FROM evidence_scans WHERE "
                               "evidence_id = ? ORDER BY seq"));
  st.BindInt(1, evidence_id);
  std::vector<EvidenceScan> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    EvidenceScan s;
    s.engine = st.Text(0);
    s.version = st.Text(1);
    s.signatures = st.Int(2);
    s.status = st.Text(3);
    s.message = st.Text(4);
    s.matches_json = st.Text(5);
    s.started = st.Int(6);
    s.ended = st.Int(7);
    s.actor = st.Text(8);
    s.custody_seq = st.Int(9);
    out.push_back(std::move(s));
  }
  return out;
}

Result<CustodyEvent> EvidenceStore::AppendCustodyLocked(const EvidenceItem& item,
                                                        CustodyEventKind event, const Actor& actor,
                                                        std::string_view note,
                                                        std::string_view details_json) {
  const TimeNs now = clock_.Now();
  CustodyEvent e;
  e.event = event;
  e.actor = actor.name;
  e.role = std::string(RoleName(actor.role));
  e.time = now;
  e.note = std::string(note.substr(0, kMaxNote));
  {
    ASSIGN_OR_RETURN(sqlite::Stmt st,
                     db_.Prepare("SELECT coalesce(max(seq), 0) + 1 FROM evidence_custody WHERE "
                                 "evidence_id = ?"));
    st.BindInt(1, std::stoll(item.id));
    ASSIGN_OR_RETURN(bool row, st.Step());
    e.seq = row ? st.Int(0) : 1;
  }
  // The audit entry names the item, its content's hash and the custody event it records; the
  // object is the case, so that the case's history shows its evidence too.
  nlohmann::json details = nlohmann::json::parse(details_json, nullptr, false);
  if (!details.is_object()) details = nlohmann::json::object();
  details["number"] = item.case_number;
  details["role"] = e.role;
  details["evidence"] = item.id;
  details["name"] = item.name;
  details["sha256"] = item.sha256;
  details["custody_seq"] = e.seq;
  details["note"] = e.note;
  ASSIGN_OR_RETURN(AuditEntry audit,
                   AppendAudit(db_, now, actor.name, kAuditActions[static_cast<int>(event)],
                               "case:" + item.case_id, JsonText(details)));
  e.audit_seq = audit.seq;
  ASSIGN_OR_RETURN(sqlite::Stmt add,
                   db_.Prepare("INSERT INTO evidence_custody(evidence_id, seq, event, actor, "
                               "role, time, note, audit_seq) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
  add.BindInt(1, std::stoll(item.id));
  add.BindInt(2, e.seq);
  add.BindText(3, CustodyEventName(event));
  add.BindText(4, e.actor);
  add.BindText(5, e.role);
  add.BindInt(6, e.time);
  add.BindText(7, e.note);
  add.BindInt(8, e.audit_seq);
  RETURN_IF_ERROR(add.Run());
  return e;
}

Result<EvidencePage> EvidenceStore::List(std::string_view case_id, size_t limit,
                                         std::string_view cursor) {
  int64_t after = 0;
  if (!cursor.empty()) {
    const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), after);
    if (ec != std::errc() || end != cursor.data() + cursor.size() || after < 0) {
      return InvalidArgument("cursor: not a cursor this server gave out");
    }
  }
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(CaseRef c, LookupCase(db_, case_id));
  EvidencePage page;
  {
    ASSIGN_OR_RETURN(sqlite::Stmt count,
                     db_.Prepare("SELECT count(*) FROM evidence WHERE case_id = ?"));
    count.BindInt(1, c.id);
    ASSIGN_OR_RETURN(bool row, count.Step());
    if (row) page.total = count.Int(0);
  }
  ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db_.Prepare(fmt::format("SELECT {} WHERE e.case_id = ? AND e.id > ? ORDER BY e.id LIMIT ?",
                              kItemColumns)));
  st.BindInt(1, c.id);
  st.BindInt(2, after);
  st.BindInt(3, static_cast<int64_t>(limit + 1));
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    page.items.push_back(ItemOf(st));
  }
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.next_cursor = page.items.back().id;
  }
  for (EvidenceItem& item : page.items) {
    ASSIGN_OR_RETURN(item.scans, ScansLocked(std::stoll(item.id)));
  }
  return page;
}

Result<EvidenceItem> EvidenceStore::Get(std::string_view case_id, std::string_view evidence_id) {
  std::lock_guard lock(mu_);
  return ItemLocked(case_id, evidence_id);
}

Result<EvidenceItem> EvidenceStore::View(std::string_view case_id, std::string_view evidence_id,
                                         const Actor& actor, std::string_view note) {
  std::lock_guard lock(mu_);
  return Write<EvidenceItem>([&]() -> Result<EvidenceItem> {
    ASSIGN_OR_RETURN(EvidenceItem item, ItemLocked(case_id, evidence_id));
    ASSIGN_OR_RETURN(CustodyEvent viewed,
                     AppendCustodyLocked(item, CustodyEventKind::kViewed, actor, note, "{}"));
    item.custody.push_back(std::move(viewed));
    return item;
  });
}

Result<std::unique_ptr<EvidenceReader>> EvidenceStore::OpenContent(std::string_view case_id,
                                                                   std::string_view evidence_id,
                                                                   const Actor& actor,
                                                                   std::string_view note) {
  EvidenceItem item;
  {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(item, ItemLocked(case_id, evidence_id));
  }
  item.custody.clear();
  // The hash decides the path, and it is checked before it does: a changed database must not
  // lead the server to read a file outside the store.
  std::string problem, found;
  int fd = -1;
  if (!IsSha256Hex(item.sha256)) {
    problem = "its recorded SHA-256 is not one (the database was changed)";
    found = "invalid record";
  } else {
    const std::string path = BlobPath(item.sha256);
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st {};
    if (fd < 0) {
      problem = fmt::format("its stored content evidence/{}/{} is missing ({})",
                            item.sha256.substr(0, 2), item.sha256, Errno(errno));
      found = "missing";
    } else if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      problem = "its stored content is not a regular file";
      found = "not a file";
    } else {
      Sha256Stream hash;
      std::vector<char> buffer(64 * 1024);
      uint64_t total = 0;
      while (true) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          const int err = errno;
          ::close(fd);
          return Internal(
              fmt::format("evidence {}: cannot read {}: {}", item.id, path, Errno(err)));
        }
        if (n == 0) break;
        hash.Update({buffer.data(), static_cast<size_t>(n)});
        total += static_cast<uint64_t>(n);
      }
      found = hash.HexDigest();
      if (found != item.sha256 || total != static_cast<uint64_t>(item.size)) {
        problem = fmt::format(
            "its stored content ({} bytes) has SHA-256 {}, not the recorded {} ({} bytes): it "
            "was changed or damaged on disk",
            total, found, item.sha256, item.size);
      }
    }
  }
  if (!problem.empty()) {
    if (fd >= 0) ::close(fd);
    return RecordCorrupt(case_id, evidence_id, item, actor, note, found, problem);
  }
  {
    std::lock_guard lock(mu_);
    auto recorded = Write<CustodyEvent>([&]() -> Result<CustodyEvent> {
      ASSIGN_OR_RETURN(EvidenceItem current, ItemLocked(case_id, evidence_id));
      return AppendCustodyLocked(current, CustodyEventKind::kDownloaded, actor, note, "{}");
    });
    if (!recorded.ok()) {
      ::close(fd);
      return recorded.status();
    }
  }
  return std::unique_ptr<EvidenceReader>(new EvidenceReader(std::move(item), fd));
}

Status EvidenceStore::RecordCorrupt(std::string_view case_id, std::string_view evidence_id,
                                    const EvidenceItem& item, const Actor& actor,
                                    std::string_view note, const std::string& found,
                                    const std::string& problem) {
  std::lock_guard lock(mu_);
  const nlohmann::json details = {{"found", found}, {"problem", problem}};
  auto recorded = Write<CustodyEvent>([&]() -> Result<CustodyEvent> {
    ASSIGN_OR_RETURN(EvidenceItem current, ItemLocked(case_id, evidence_id));
    return AppendCustodyLocked(current, CustodyEventKind::kCorrupt, actor, note, JsonText(details));
  });
  if (!recorded.ok()) return recorded.status();
  return Internal(fmt::format(
      "evidence {} ('{}') of case {} is corrupt: {}. It is not served. Restore the file from a "
      "backup; the check is in the audit trail (evidence.corrupt)",
      item.id, item.name, item.case_number, problem));
}

Result<EvidenceStore::Content> EvidenceStore::ReadForScan(std::string_view case_id,
                                                          std::string_view evidence_id,
                                                          const Actor& actor, std::string_view note,
                                                          uint64_t max_bytes) {
  Content out;
  {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(out.item, ItemLocked(case_id, evidence_id));
  }
  out.item.custody.clear();
  const EvidenceItem& item = out.item;
  if (static_cast<uint64_t>(item.size) > max_bytes) {
    return TooLarge(
        fmt::format("evidence {} ('{}') has {} bytes, more than the malware scan takes ({} bytes, "
                    "scan.max_bytes); it was not scanned",
                    item.id, item.name, item.size, max_bytes));
  }
  // As in OpenContent: the hash decides the path, so it is checked before it is used; and the
  // bytes scanned are the bytes hashed, read once into memory, so that a file changed on disk
  // between the check and the scan cannot pass.
  if (!IsSha256Hex(item.sha256)) {
    return RecordCorrupt(case_id, evidence_id, item, actor, note, "invalid record",
                         "its recorded SHA-256 is not one (the database was changed)");
  }
  const std::string path = BlobPath(item.sha256);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return RecordCorrupt(case_id, evidence_id, item, actor, note, "missing",
                         fmt::format("its stored content evidence/{}/{} is missing ({})",
                                     item.sha256.substr(0, 2), item.sha256, Errno(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return RecordCorrupt(case_id, evidence_id, item, actor, note, "not a file",
                         "its stored content is not a regular file");
  }
  // Never more than the recorded size plus one byte: a file grown on disk is corrupt, and is
  // not read whole into memory to find that out.
  const uint64_t cap = static_cast<uint64_t>(item.size) + 1;
  out.bytes.resize(static_cast<size_t>(cap));
  uint64_t total = 0;
  while (total < cap) {
    const ssize_t n = ::read(fd, out.bytes.data() + total, static_cast<size_t>(cap - total));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Internal(fmt::format("evidence {}: cannot read {}: {}", item.id, path, Errno(err)));
    }
    if (n == 0) break;
    total += static_cast<uint64_t>(n);
  }
  ::close(fd);
  out.bytes.resize(static_cast<size_t>(total));
  Sha256Stream hash;
  hash.Update(out.bytes);
  const std::string found = hash.HexDigest();
  if (found != item.sha256 || total != static_cast<uint64_t>(item.size)) {
    const std::string problem = fmt::format(
        "its stored content ({}{} bytes) has SHA-256 {}, not the recorded {} ({} bytes): it was "
        "changed or damaged on disk",
        total == cap ? "more than " : "", total == cap ? total - 1 : total, found, item.sha256,
        item.size);
    return RecordCorrupt(case_id, evidence_id, item, actor, note, found, problem);
  }
  return out;
}

Result<EvidenceItem> EvidenceStore::RecordScans(std::string_view case_id,
                                                std::string_view evidence_id, const Actor& actor,
                                                std::string_view note,
                                                std::vector<EvidenceScan> scans) {
  std::lock_guard lock(mu_);
  return Write<EvidenceItem>([&]() -> Result<EvidenceItem> {
    ASSIGN_OR_RETURN(EvidenceItem item, ItemLocked(case_id, evidence_id));
    // The audit entry carries what was found, so that the trail alone tells a clean scan from one
    // with matches.
    nlohmann::json engines = nlohmann::json::array();
    for (const EvidenceScan& s : scans) {
      nlohmann::json rules = nlohmann::json::array();
      const auto matches = nlohmann::json::parse(s.matches_json, nullptr, false);
      if (matches.is_array()) {
        for (const auto& m : matches) {
          if (m.is_object() && m.contains("rule")) rules.push_back(m["rule"]);
        }
      }
      engines.push_back({{"engine", s.engine},
                         {"version", s.version},
                         {"signatures", s.signatures},
                         {"status", s.status},
                         {"matches", rules}});
    }
    ASSIGN_OR_RETURN(CustodyEvent scanned,
                     AppendCustodyLocked(item, CustodyEventKind::kScanned, actor, note,
                                         JsonText(nlohmann::json{{"scans", engines}})));
    ASSIGN_OR_RETURN(sqlite::Stmt next,
                     db_.Prepare("SELECT coalesce(max(seq), 0) FROM evidence_scans WHERE "
                                 "evidence_id = ?"));
    next.BindInt(1, std::stoll(item.id));
    ASSIGN_OR_RETURN(bool row, next.Step());
    int64_t seq = row ? next.Int(0) : 0;
    for (EvidenceScan& s : scans) {
      s.actor = actor.name;
      s.custody_seq = scanned.seq;
      ASSIGN_OR_RETURN(
          sqlite::Stmt add,
          db_.Prepare("INSERT INTO evidence_scans(evidence_id, seq, engine, version, signatures, "
                      "status, message, matches, started, ended, actor, custody_seq) "
                      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      add.BindInt(1, std::stoll(item.id));
      add.BindInt(2, ++seq);
      add.BindText(3, s.engine);
      add.BindText(4, s.version);
      add.BindInt(5, s.signatures);
      add.BindText(6, s.status);
      add.BindText(7, s.message.substr(0, kMaxDescription));
      add.BindText(8, s.matches_json);
      add.BindInt(9, s.started);
      add.BindInt(10, s.ended);
      add.BindText(11, s.actor);
      add.BindInt(12, s.custody_seq);
      RETURN_IF_ERROR(add.Run());
      item.scans.push_back(s);
    }
    item.custody.push_back(std::move(scanned));
    return item;
  });
}

Result<CustodyEvent> EvidenceStore::RecordCustody(std::string_view case_id,
                                                  std::string_view evidence_id,
                                                  CustodyEventKind event, const Actor& actor,
                                                  std::string_view note) {
  if (event != CustodyEventKind::kExported && event != CustodyEventKind::kAttached) {
    return InvalidArgument(fmt::format(
        "custody event '{}' is recorded by the action itself; only exported and attached here",
        CustodyEventName(event)));
  }
  std::lock_guard lock(mu_);
  return Write<CustodyEvent>([&]() -> Result<CustodyEvent> {
    ASSIGN_OR_RETURN(EvidenceItem item, ItemLocked(case_id, evidence_id));
    return AppendCustodyLocked(item, event, actor, note, "{}");
  });
}

}  // namespace pantau
