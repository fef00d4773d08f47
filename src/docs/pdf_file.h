// PdfFile: the small part of PDF syntax that signing and verifying need, over untrusted bytes.
// It reads the cross-reference tables (the chain of classic `xref` sections linked by /Prev), the
// newest trailer, and single objects by number, parsed into PdfValue trees that remember where
// their bytes are, so a dictionary can be rewritten by copying its other entries verbatim.
//
// Not supported, with a clear error: cross-reference streams (PDF 1.5 compressed files), objects
// inside object streams, encrypted files. Content streams are never parsed.
//
// Every read is bounds-checked, nesting and chains are capped, and nothing loops without a bound.
// The work is capped too: over its life a PdfFile parses at most kReadBudgetFactor times the
// file's size (plus 1 MiB) in cross-references and objects, since a hostile file can make
// thousands of references point at one huge object; past that, Open or Read fails.
//
// Thread-safety: a PdfFile is immutable after Open (but for the atomic read budget) and borrows
// the bytes it was opened on (they must outlive it); const methods are safe from many threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace pantau::pdf {

struct ObjRef {
  int64_t num = 0;
  int64_t gen = 0;
  friend bool operator==(const ObjRef&, const ObjRef&) = default;
};

// One parsed value. `begin` and `end` delimit its bytes in the file, so `Raw()` is valid PDF
// syntax that can be copied into a new object.
struct PdfValue {
  enum class Kind { kNull, kBool, kNumber, kString, kName, kArray, kDict, kRef };
  struct Entry;

  Kind kind = Kind::kNull;
  size_t begin = 0;
  size_t end = 0;
  bool boolean = false;
  bool is_integer = false;
  int64_t integer = 0;
  std::string text;  // a string's bytes (escapes decoded) or a name without its slash
  ObjRef ref;
  std::vector<PdfValue> items;  // an array's elements
  std::vector<Entry> entries;   // a dictionary's entries, in file order

  bool IsName(std::string_view name) const { return kind == Kind::kName && text == name; }
  // The value of `key` in a dictionary; null when absent or when this is not a dictionary.
  const PdfValue* Find(std::string_view key) const;
  std::string_view Raw(std::string_view file) const { return file.substr(begin, end - begin); }
};

struct PdfValue::Entry {
  std::string key;  // decoded, without the slash
  size_t key_begin = 0;
  PdfValue value;
};

// A parsed "N G obj ... endobj" object.
struct PdfObject {
  ObjRef ref;
  size_t offset = 0;  // of the "N G obj" line
  PdfValue value;
};

class PdfFile {
 public:
  static constexpr size_t kReadBudgetFactor = 8;

  // Reads the trailer and cross-reference chain of `bytes`. Errors name what is missing
  // ("pdf: no startxref at the end").
  static Result<PdfFile> Open(std::string_view bytes);

  PdfFile(PdfFile&& other) noexcept;
  PdfFile& operator=(PdfFile&&) = delete;

  std::string_view bytes() const { return bytes_; }
  // The newest trailer dictionary.
  const PdfValue& trailer() const { return trailer_; }
  // The offset the last startxref names: the /Prev of the next update.
  size_t last_xref_offset() const { return last_xref_offset_; }
  // The first object number free for new objects (the trailer's /Size, or more when an xref
  // section names higher objects).
  int64_t next_object_number() const { return next_object_number_; }

  // The current version of object `ref`; "pdf: object 7 not found" when no xref entry is in use
  // for it or its bytes are not "7 0 obj".
  Result<PdfObject> Read(ObjRef ref) const;
  // `value` itself, or the object it refers to when it is a reference (one level).
  Result<PdfValue> Resolve(const PdfValue& value) const;

 private:
  struct XrefEntry {
    size_t offset = 0;
    int64_t gen = 0;
    bool in_use = false;
  };

  explicit PdfFile(std::string_view bytes)
      : bytes_(bytes), read_budget_(kReadBudgetFactor * bytes.size() + (1 << 20)) {}
  Status ReadXrefSection(size_t offset, bool newest, std::optional<size_t>& prev);

  std::string_view bytes_;
  PdfValue trailer_;
  size_t last_xref_offset_ = 0;
  int64_t next_object_number_ = 0;
  int64_t xref_entries_read_ = 0;
  std::map<int64_t, XrefEntry> xref_;
  // Bytes Read may still parse; atomic so that const reads stay safe from many threads.
  mutable std::atomic<int64_t> read_budget_;
};

// Parses one value starting at `offset` of `bytes` (after whitespace and comments); exposed for
// tests. Fails on anything that is not a complete value.
Result<PdfValue> ParseValueAt(std::string_view bytes, size_t offset);

// A PDF text string for `utf8`: a literal string when it is printable ASCII, otherwise UTF-16BE
// with a byte order mark as a hex string. InvalidArgument when `utf8` is not valid UTF-8.
Result<std::string> EncodeTextString(std::string_view utf8);
// A string value's bytes as UTF-8 (UTF-16BE with a byte order mark, or PDFDocEncoding taken as
// Latin-1).
std::string DecodeTextString(std::string_view bytes);

}  // namespace pantau::pdf
