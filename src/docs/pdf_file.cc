#include "docs/pdf_file.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "fmt/format.h"

namespace pantau::pdf {
namespace {

// Deeper nesting than this is hostile: real catalogs and pages nest three or four levels.
constexpr int kMaxDepth = 32;
// Each revision adds one section; a chain longer than this is a loop or an attack.
constexpr int kMaxXrefSections = 512;
// The PDF implementation limit on object numbers (ISO 32000-1, Annex C).
constexpr int64_t kMaxObjectNumber = 8'388'607;
// Bounds the memory the xref map may take (about 64 bytes an entry).
constexpr int64_t kMaxXrefEntries = 2'000'000;
// An xref entry is 20 bytes; 18 is the least a lenient writer produces.
constexpr size_t kMinXrefEntryBytes = 18;
// "startxref" must be near the end; writers put at most a few lines after it.
constexpr size_t kStartxrefWindow = 1024;

bool IsWhite(char c) {
  return c == '\0' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}
bool IsDelimiter(char c) {
  return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
         c == '}' || c == '/' || c == '%';
}
bool IsRegular(char c) { return !IsWhite(c) && !IsDelimiter(c); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Parser {
 public:
  Parser(std::string_view bytes, size_t pos) : b_(bytes), pos_(std::min(pos, bytes.size())) {}

  size_t pos() const { return pos_; }

  void SkipSpace() {
    while (pos_ < b_.size()) {
      if (IsWhite(b_[pos_])) {
        ++pos_;
      } else if (b_[pos_] == '%') {
        while (pos_ < b_.size() && b_[pos_] != '\n' && b_[pos_] != '\r') ++pos_;
      } else {
        break;
      }
    }
  }

  // Consumes `keyword` when it is the next token.
  bool Keyword(std::string_view keyword) {
    SkipSpace();
    if (b_.substr(pos_, keyword.size()) != keyword) return false;
    const size_t after = pos_ + keyword.size();
    if (after < b_.size() && IsRegular(b_[after])) return false;
    pos_ = after;
    return true;
  }

  // Consumes an unsigned integer token; nothing when the next token is not one.
  std::optional<int64_t> Unsigned() {
    SkipSpace();
    size_t p = pos_;
    int64_t v = 0;
    while (p < b_.size() && IsDigit(b_[p])) {
      if (p - pos_ >= 18) return std::nullopt;  // more than fits: not an offset we can use
      v = v * 10 + (b_[p] - '0');
      ++p;
    }
    if (p == pos_ || (p < b_.size() && IsRegular(b_[p]))) return std::nullopt;
    pos_ = p;
    return v;
  }

  Result<PdfValue> Value(int depth) {
    if (depth > kMaxDepth) return Error("values nested too deeply");
    SkipSpace();
    if (pos_ >= b_.size()) return Error("unexpected end of file");
    const char c = b_[pos_];
    PdfValue v;
    v.begin = pos_;
    Status s;
    if (c == '/') {
      v.kind = PdfValue::Kind::kName;
      v.text = Name();
    } else if (c == '(') {
      v.kind = PdfValue::Kind::kString;
      s = LiteralString(v.text);
    } else if (c == '<' && pos_ + 1 < b_.size() && b_[pos_ + 1] == '<') {
      v.kind = PdfValue::Kind::kDict;
      s = Dict(v, depth);
    } else if (c == '<') {
      v.kind = PdfValue::Kind::kString;
      s = HexString(v.text);
    } else if (c == '[') {
      v.kind = PdfValue::Kind::kArray;
      s = Array(v, depth);
    } else if (IsDigit(c) || c == '+' || c == '-' || c == '.') {
      s = Number(v);
    } else {
      size_t e = pos_;
      while (e < b_.size() && IsRegular(b_[e]) && e - pos_ < 32) ++e;
      const std::string_view word = b_.substr(pos_, e - pos_);
      if (word == "true" || word == "false") {
        v.kind = PdfValue::Kind::kBool;
        v.boolean = word == "true";
      } else if (word == "null") {
        v.kind = PdfValue::Kind::kNull;
      } else {
        return Error(fmt::format("unexpected '{}'", word.empty() ? b_.substr(pos_, 1) : word));
      }
      pos_ = e;
    }
    RETURN_IF_ERROR(s);
    v.end = pos_;
    return v;
  }

 private:
  Status Error(std::string_view what) const {
    return InvalidArgument(fmt::format("pdf: {} at offset {}", what, pos_));
  }

  std::string Name() {
    std::string out;
    ++pos_;  // the slash
    while (pos_ < b_.size() && IsRegular(b_[pos_])) {
      if (b_[pos_] == '#' && pos_ + 2 < b_.size() && HexDigit(b_[pos_ + 1]) >= 0 &&
          HexDigit(b_[pos_ + 2]) >= 0) {
        out.push_back(static_cast<char>(HexDigit(b_[pos_ + 1]) * 16 + HexDigit(b_[pos_ + 2])));
        pos_ += 3;
      } else {
        out.push_back(b_[pos_++]);
      }
    }
    return out;
  }

  Status LiteralString(std::string& out) {
    const size_t start = pos_;
    ++pos_;
    int open = 1;  // unbalanced parentheses must be escaped; balanced ones are part of the string
    while (pos_ < b_.size()) {
      const char c = b_[pos_++];
      if (c == '(') {
        ++open;
      } else if (c == ')') {
        if (--open == 0) return Status::Ok();
      } else if (c == '\\') {
        if (pos_ >= b_.size()) break;
        const char e = b_[pos_++];
        switch (e) {
          case 'n':
            out.push_back('\n');
            continue;
          case 'r':
            out.push_back('\r');
            continue;
          case 't':
            out.push_back('\t');
            continue;
          case 'b':
            out.push_back('\b');
            continue;
          case 'f':
            out.push_back('\f');
            continue;
          case '\r':
            if (pos_ < b_.size() && b_[pos_] == '\n') ++pos_;
            continue;
          case '\n':
            continue;
          default:
            break;
        }
        if (e >= '0' && e <= '7') {
          int octal = e - '0';
          for (int i = 0; i < 2 && pos_ < b_.size() && b_[pos_] >= '0' && b_[pos_] <= '7'; ++i) {
            octal = octal * 8 + (b_[pos_++] - '0');
          }
          out.push_back(static_cast<char>(octal & 0xff));
          continue;
        }
        out.push_back(e);  // \( \) \\ and unknown escapes stand for the character itself
        continue;
      }
      out.push_back(c);
    }
    pos_ = start;
    return Error("unterminated string");
  }

  Status HexString(std::string& out) {
    const size_t start = pos_;
    ++pos_;
    int high = -1;
    while (pos_ < b_.size()) {
      const char c = b_[pos_++];
      if (c == '>') {
        if (high >= 0) out.push_back(static_cast<char>(high * 16));
        return Status::Ok();
      }
      if (IsWhite(c)) continue;
      const int d = HexDigit(c);
      if (d < 0) {
        --pos_;
        return Error("bad character in a hex string");
      }
      if (high < 0) {
        high = d;
      } else {
        out.push_back(static_cast<char>(high * 16 + d));
        high = -1;
      }
    }
    pos_ = start;
    return Error("unterminated hex string");
  }

  Status Dict(PdfValue& v, int depth) {
    pos_ += 2;
    while (true) {
      SkipSpace();
      if (pos_ >= b_.size()) return Error("unterminated dictionary");
      if (b_[pos_] == '>') {
        if (pos_ + 1 < b_.size() && b_[pos_ + 1] == '>') {
          pos_ += 2;
          return Status::Ok();
        }
        return Error("bad end of dictionary");
      }
      if (b_[pos_] != '/') return Error("dictionary key is not a name");
      PdfValue::Entry entry;
      entry.key_begin = pos_;
      entry.key = Name();
      ASSIGN_OR_RETURN(entry.value, Value(depth + 1));
      v.entries.push_back(std::move(entry));
    }
  }

  Status Array(PdfValue& v, int depth) {
    ++pos_;
    while (true) {
      SkipSpace();
      if (pos_ >= b_.size()) return Error("unterminated array");
      if (b_[pos_] == ']') {
        ++pos_;
        return Status::Ok();
      }
      ASSIGN_OR_RETURN(PdfValue item, Value(depth + 1));
      v.items.push_back(std::move(item));
    }
  }

  Status Number(PdfValue& v) {
    v.kind = PdfValue::Kind::kNumber;
    size_t p = pos_;
    bool negative = false;
    if (b_[p] == '+' || b_[p] == '-') negative = b_[p++] == '-';
    const size_t digits_begin = p;
    int64_t value = 0;
    bool overflow = false;
    while (p < b_.size() && IsDigit(b_[p])) {
      if (p - digits_begin >= 18) overflow = true;
      if (!overflow) value = value * 10 + (b_[p] - '0');
      ++p;
    }
    bool any_digit = p > digits_begin;
    bool is_integer = true;
    if (p < b_.size() && b_[p] == '.') {
      is_integer = false;
      ++p;
      while (p < b_.size() && IsDigit(b_[p])) {
        any_digit = true;
        ++p;
      }
    }
    if (!any_digit || (p < b_.size() && IsRegular(b_[p]))) return Error("bad number");
    pos_ = p;
    v.is_integer = is_integer && !overflow;
    v.integer = negative ? -value : value;
    if (!v.is_integer || negative) return Status::Ok();
    // "N G R" is a reference: look ahead for the generation and the R.
    Parser ahead(b_, pos_);
    const std::optional<int64_t> gen = ahead.Unsigned();
    if (gen && ahead.Keyword("R")) {
      v.kind = PdfValue::Kind::kRef;
      v.ref = {value, *gen};
      pos_ = ahead.pos();
    }
    return Status::Ok();
  }

  std::string_view b_;
  size_t pos_;
};

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

}  // namespace

const PdfValue* PdfValue::Find(std::string_view key) const {
  if (kind != Kind::kDict) return nullptr;
  for (const Entry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

Result<PdfValue> ParseValueAt(std::string_view bytes, size_t offset) {
  Parser p(bytes, offset);
  return p.Value(0);
}

PdfFile::PdfFile(PdfFile&& other) noexcept
    : bytes_(other.bytes_),
      trailer_(std::move(other.trailer_)),
      last_xref_offset_(other.last_xref_offset_),
      next_object_number_(other.next_object_number_),
      xref_entries_read_(other.xref_entries_read_),
      xref_(std::move(other.xref_)),
      read_budget_(other.read_budget_.load()) {}

Result<PdfFile> PdfFile::Open(std::string_view bytes) {
  if (bytes.substr(0, std::min<size_t>(bytes.size(), 1024)).find("%PDF-") ==
      std::string_view::npos) {
    return InvalidArgument("pdf: no %PDF- header; this is not a PDF file");
  }
  const size_t window_begin = bytes.size() > kStartxrefWindow ? bytes.size() - kStartxrefWindow : 0;
  const size_t at = bytes.rfind("startxref");
  if (at == std::string_view::npos || at < window_begin) {
    return InvalidArgument("pdf: no startxref at the end (the file is truncated or not a PDF)");
  }
  Parser p(bytes, at + std::strlen("startxref"));
  const std::optional<int64_t> start = p.Unsigned();
  if (!start) return InvalidArgument("pdf: startxref is not followed by an offset");

  PdfFile file(bytes);
  file.last_xref_offset_ = static_cast<size_t>(*start);
  std::set<size_t> seen;
  std::optional<size_t> next = file.last_xref_offset_;
  for (int i = 0; next; ++i) {
    if (i >= kMaxXrefSections) return InvalidArgument("pdf: too many cross-reference sections");
    if (!seen.insert(*next).second) {
      return InvalidArgument(fmt::format("pdf: the /Prev chain loops at offset {}", *next));
    }
    std::optional<size_t> prev;
    RETURN_IF_ERROR(file.ReadXrefSection(*next, i == 0, prev));
    next = prev;
  }

  const PdfValue& trailer = file.trailer_;
  if (trailer.Find("Encrypt") != nullptr) {
    return InvalidArgument("pdf: encrypted documents are not supported");
  }
  const PdfValue* size = trailer.Find("Size");
  if (size == nullptr || size->kind != PdfValue::Kind::kNumber || !size->is_integer ||
      size->integer < 1 || size->integer > kMaxObjectNumber + 1) {
    return InvalidArgument("pdf: the trailer has no valid /Size");
  }
  const PdfValue* root = trailer.Find("Root");
  if (root == nullptr || root->kind != PdfValue::Kind::kRef) {
    return InvalidArgument("pdf: the trailer has no /Root reference");
  }
  file.next_object_number_ = size->integer;
  if (!file.xref_.empty()) {
    file.next_object_number_ = std::max(file.next_object_number_, file.xref_.rbegin()->first + 1);
  }
  // A trailer that names an object beyond /Size is damaged; new objects must not take its number.
  for (const PdfValue::Entry& e : trailer.entries) {
    if (e.value.kind == PdfValue::Kind::kRef && e.value.ref.num < kMaxObjectNumber) {
      file.next_object_number_ = std::max(file.next_object_number_, e.value.ref.num + 1);
    }
  }
  return file;
}

Status PdfFile::ReadXrefSection(size_t offset, bool newest, std::optional<size_t>& prev) {
  if (offset >= bytes_.size()) {
    return InvalidArgument(
        fmt::format("pdf: cross-reference offset {} is past the end of the file", offset));
  }
  Parser p(bytes_, offset);
  if (!p.Keyword("xref")) {
    Parser obj(bytes_, offset);
    if (obj.Unsigned() && obj.Unsigned() && obj.Keyword("obj")) {
      return InvalidArgument(fmt::format(
          "pdf: the cross-reference at offset {} is a stream (a compressed PDF 1.5 file); only "
          "classic xref tables are supported",
          offset));
    }
    return InvalidArgument(fmt::format("pdf: no cross-reference table at offset {}", offset));
  }
  while (!p.Keyword("trailer")) {
    const std::optional<int64_t> first = p.Unsigned();
    const std::optional<int64_t> count = p.Unsigned();
    if (!first || !count) {
      return InvalidArgument(
          fmt::format("pdf: bad cross-reference subsection at offset {}", p.pos()));
    }
    if (*first + *count > kMaxObjectNumber + 1 ||
        static_cast<size_t>(*count) > (bytes_.size() - p.pos()) / kMinXrefEntryBytes) {
      return InvalidArgument(fmt::format(
          "pdf: cross-reference subsection at offset {} claims {} entries", p.pos(), *count));
    }
    for (int64_t i = 0; i < *count; ++i) {
      const std::optional<int64_t> entry_offset = p.Unsigned();
      const std::optional<int64_t> gen = p.Unsigned();
      const bool in_use = p.Keyword("n");
      if (!entry_offset || !gen || (!in_use && !p.Keyword("f"))) {
        return InvalidArgument(fmt::format("pdf: bad cross-reference entry at offset {}", p.pos()));
      }
      if (++xref_entries_read_ > kMaxXrefEntries) {
        return InvalidArgument("pdf: too many cross-reference entries");
      }
      // Sections are read newest first, so an object's first entry is its current one.
      xref_.try_emplace(*first + i, XrefEntry{static_cast<size_t>(*entry_offset), *gen, in_use});
    }
  }
  ASSIGN_OR_RETURN(PdfValue trailer, p.Value(0));
  if (trailer.kind != PdfValue::Kind::kDict) {
    return InvalidArgument(
        fmt::format("pdf: the trailer at offset {} is not a dictionary", trailer.begin));
  }
  if (const PdfValue* p_prev = trailer.Find("Prev"); p_prev != nullptr) {
    if (p_prev->kind != PdfValue::Kind::kNumber || !p_prev->is_integer || p_prev->integer < 0) {
      return InvalidArgument("pdf: the trailer's /Prev is not an offset");
    }
    prev = static_cast<size_t>(p_prev->integer);
  }
  if (newest) trailer_ = std::move(trailer);
  // Sections can be nested inside one another's strings; charge them to the read budget too.
  if (read_budget_.fetch_sub(static_cast<int64_t>(p.pos() - offset)) < 0) {
    return InvalidArgument("pdf: reading this file's cross-references takes too much work");
  }
  return Status::Ok();
}

Result<PdfObject> PdfFile::Read(ObjRef ref) const {
  const auto it = xref_.find(ref.num);
  if (it == xref_.end() || !it->second.in_use || it->second.gen != ref.gen) {
    return NotFound(fmt::format("pdf: object {} not found", ref.num));
  }
  const size_t offset = it->second.offset;
  Parser p(bytes_, offset);
  const std::optional<int64_t> num = p.Unsigned();
  const std::optional<int64_t> gen = p.Unsigned();
  if (offset >= bytes_.size() || num != ref.num || gen != ref.gen || !p.Keyword("obj")) {
    return NotFound(
        fmt::format("pdf: object {} not found at offset {} (the cross-reference table is wrong)",
                    ref.num, offset));
  }
  if (read_budget_.load() < 0) {
    return InvalidArgument(
        "pdf: reading this file's objects takes too much work (objects "
        "referenced over and over?)");
  }
  PdfObject object{ref, offset, {}};
  ASSIGN_OR_RETURN(object.value, p.Value(0));
  read_budget_.fetch_sub(static_cast<int64_t>(p.pos() - offset));
  return object;
}

Result<PdfValue> PdfFile::Resolve(const PdfValue& value) const {
  if (value.kind != PdfValue::Kind::kRef) return value;
  ASSIGN_OR_RETURN(PdfObject object, Read(value.ref));
  return std::move(object.value);
}

Result<std::string> EncodeTextString(std::string_view utf8) {
  const bool printable_ascii = std::all_of(utf8.begin(), utf8.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (printable_ascii) {
    std::string out = "(";
    for (const char c : utf8) {
      if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back(')');
    return out;
  }
  std::string out = "<FEFF";
  const auto put16 = [&out](uint32_t unit) { out += fmt::format("{:04X}", unit); };
  size_t i = 0;
  while (i < utf8.size()) {
    const auto b0 = static_cast<unsigned char>(utf8[i]);
    int extra = 0;
    uint32_t cp = 0;
    if (b0 < 0x80) {
      cp = b0;
    } else if ((b0 & 0xe0) == 0xc0) {
      extra = 1;
      cp = b0 & 0x1f;
    } else if ((b0 & 0xf0) == 0xe0) {
      extra = 2;
      cp = b0 & 0x0f;
    } else if ((b0 & 0xf8) == 0xf0) {
      extra = 3;
      cp = b0 & 0x07;
    } else {
      return InvalidArgument("pdf: text is not valid UTF-8");
    }
    if (i + extra >= utf8.size()) {
      return InvalidArgument("pdf: text is not valid UTF-8");
    }
    for (int k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(utf8[i + k]);
      if ((b & 0xc0) != 0x80) return InvalidArgument("pdf: text is not valid UTF-8");
      cp = (cp << 6) | (b & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return InvalidArgument("pdf: text is not valid UTF-8");
    }
    if (cp >= 0x10000) {
      put16(0xd800 + ((cp - 0x10000) >> 10));
      put16(0xdc00 + ((cp - 0x10000) & 0x3ff));
    } else {
      put16(cp);
    }
    i += extra + 1;
  }
  out.push_back('>');
  return out;
}

std::string DecodeTextString(std::string_view bytes) {
  std::string out;
  if (bytes.size() >= 2 && bytes[0] == '\xfe' && bytes[1] == '\xff') {
    for (size_t i = 2; i + 1 < bytes.size(); i += 2) {
      uint32_t unit =
          (static_cast<unsigned char>(bytes[i]) << 8) | static_cast<unsigned char>(bytes[i + 1]);
      if (unit >= 0xd800 && unit < 0xdc00 && i + 3 < bytes.size()) {
        const uint32_t low = (static_cast<unsigned char>(bytes[i + 2]) << 8) |
                             static_cast<unsigned char>(bytes[i + 3]);
        if (low >= 0xdc00 && low < 0xe000) {
          AppendUtf8(out, 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
          i += 2;
          continue;
        }
      }
      AppendUtf8(out, unit >= 0xd800 && unit < 0xe000 ? 0xfffd : unit);
    }
    return out;
  }
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xef\xbb\xbf")
    return std::string(bytes.substr(3));
  for (const char c : bytes) AppendUtf8(out, static_cast<unsigned char>(c));
  return out;
}

}  // namespace pantau::pdf
