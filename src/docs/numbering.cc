#include "docs/numbering.h"

#include <fmt/format.h>

#include <charconv>

namespace pantau::docs {
namespace {

struct Placeholder {
  std::string_view name;
  int width = 0;   // zero-padded to this many digits; 0: as it is
  size_t end = 0;  // just past the closing brace
};

// The placeholder opening at pattern[open] ('{'), or why not.
Result<Placeholder> ReadPlaceholder(std::string_view pattern, size_t open) {
  const size_t close = pattern.find('}', open);
  if (close == std::string_view::npos) {
    return InvalidArgument(fmt::format("number pattern column {}: '{{' without '}}'", open + 1));
  }
  std::string_view inside = pattern.substr(open + 1, close - open - 1);
  Placeholder p{inside, 0, close + 1};
  if (const size_t colon = inside.find(':'); colon != std::string_view::npos) {
    p.name = inside.substr(0, colon);
    const std::string_view width = inside.substr(colon + 1);
    auto r = std::from_chars(width.data(), width.data() + width.size(), p.width);
    if (width.empty() || r.ec != std::errc() || r.ptr != width.data() + width.size() ||
        p.width < 1 || p.width > 9) {
      return InvalidArgument(
          fmt::format("number pattern column {}: width '{}' must be 1 to 9 digits, e.g. {{seq:04}}",
                      open + 1, width));
    }
  }
  for (std::string_view known : {"class", "seq", "unit", "code", "month", "year"}) {
    if (p.name == known) return p;
  }
  return InvalidArgument(fmt::format(
      "number pattern column {}: unknown placeholder '{{{}}}' (known: {{class}} {{seq}} {{unit}} "
      "{{code}} {{month}} {{year}})",
      open + 1, p.name));
}

}  // namespace

Status CheckNumberPattern(std::string_view pattern) {
  bool seq = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '}') {
      return InvalidArgument(fmt::format("number pattern column {}: '}}' without '{{'", i + 1));
    }
    if (pattern[i] != '{') continue;
    ASSIGN_OR_RETURN(Placeholder p, ReadPlaceholder(pattern, i));
    seq = seq || p.name == "seq";
    i = p.end - 1;
  }
  if (!seq) return InvalidArgument("number pattern: needs {seq}, or numbers would repeat");
  return Status::Ok();
}

std::string FormatNumber(std::string_view pattern, const NumberParts& parts) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') {
      out += pattern[i];
      continue;
    }
    auto p = ReadPlaceholder(pattern, i);
    if (!p.ok()) return out + std::string(pattern.substr(i));  // excluded by the REQUIRES
    auto number = [&](int64_t v) { return fmt::format("{:0{}}", v, p->width); };
    if (p->name == "class") out += parts.classification;
    if (p->name == "unit") out += parts.unit;
    if (p->name == "code") out += parts.code;
    if (p->name == "seq") out += number(parts.seq);
    if (p->name == "month") out += number(parts.month);
    if (p->name == "year") out += number(parts.year);
    i = p->end - 1;
  }
  return out;
}

Result<int64_t> TakeSequenceNumber(sqlite::Db& db, std::string_view unit, int year) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db.Prepare("INSERT INTO document_numbers(unit, year, last_seq) VALUES (?, ?, 1) "
                              "ON CONFLICT(unit, year) DO UPDATE SET last_seq = last_seq + 1 "
                              "RETURNING last_seq"));
  st.BindText(1, unit);
  st.BindInt(2, year);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Internal("document_numbers: no sequence number returned");
  const int64_t seq = st.Int(0);
  RETURN_IF_ERROR(st.Run());
  return seq;
}

}  // namespace pantau::docs
