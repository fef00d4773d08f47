// The template language of the SOP's documents (incident report, work report, notification
// letter): Markdown-like text an admin can edit, with Mustache-like placeholders filled from a
// JSON value. A template is parsed once (DocumentTemplate::Parse) and expanded per case
// (Expand) into a DocumentBody, the list of blocks the PDF renderer lays out.
//
// Syntax, one construct per line (the full guide is src/docs/README.md):
//   # Title            ## Section           ### Subsection
//   text lines         a paragraph; consecutive lines join; a line ending in `\` breaks
//   - item / 1. item   bullet / numbered list
//   | a | b |          table; a second row `|---|------|` makes the first a header and gives
//                      the columns' relative widths (the count of dashes)
//   :: Nomor | value   key-value rows ("Nomor : value"), borderless
//   -> text            right-aligned line;  -> text <-  centred line
//   **bold**           inline, within one line
//   \X                 the punctuation X printed as is (`\*\*`, `\|`, `\{`)
//   {{name}} {{a.b}} {{.}}  a value, always printed as text; {{@number}} the 1-based number
//                      of the element in the innermost repeat
//   {{#x}} ... {{/x}}  repeat for each element of the array x, or once if x is a non-empty
//                      value; {{^x}} ... {{/x}} once if x is missing, null, false or empty;
//                      {{?x}} ... {{/x}} once if x is not empty (an array is not repeated).
//                      A section that opens and closes on one line repeats that whole line
//                      (a table row or list item per element).
//   {{! comment }}     dropped; may span lines
//   Blocks alone on their line: {{letterhead}}, {{pagebreak}}, {{qr}},
//   {{signature [who ...] [nodate] [noqr]}} (who: objects with place, date, role, position,
//   name, rank, nip; default "signer"; two names sit side by side).
//
// Security: values come from case data that holds attacker-controlled log content. Structure is
// read only from the template's own characters, after expansion, so a value can never open a
// table cell, a heading, bold text, a placeholder or Pango markup. Control, bidi and invisible
// characters in values are shown as "[U+202E]"; invalid UTF-8 as U+FFFD.
//
// Thread-safety: DocumentTemplate is immutable after Parse; Expand may be called from several
// threads at once. The free functions are pure.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace pantau {

// 1-based line and column (in characters) of a template.
struct SourcePos {
  int line = 0;
  int column = 0;
};

// Plain text (never markup): valid UTF-8 without control characters except '\n', a line break
// inside its block.
struct TextRun {
  std::string text;
  bool bold = false;
};
using RichText = std::vector<TextRun>;

enum class BlockKind {
  kHeading,
  kParagraph,
  kList,
  kTable,
  kKeyValue,
  kPageBreak,
  kLetterhead,
  kSignature,
  kQr,
};

enum class TextAlign { kJustify, kLeft, kCenter, kRight };

// One party of a signature block; every field already made visible-safe.
struct SignatureParty {
  std::string place;
  std::string date;
  std::string role;      // "Disahkan oleh," / "Approved by,"
  std::string position;  // may hold line breaks
  std::string name;
  std::string rank;  // pangkat/golongan, optional
  std::string nip;
};

struct DocumentBlock {
  BlockKind kind = BlockKind::kParagraph;
  SourcePos pos;
  int level = 0;                            // kHeading: 1..3
  TextAlign align = TextAlign::kJustify;    // kParagraph
  RichText text;                            // kHeading, kParagraph
  bool ordered = false;                     // kList
  int start = 1;                            // kList, ordered
  std::vector<RichText> items;              // kList
  std::vector<double> column_weights;       // kTable
  bool has_header = false;                  // kTable: rows[0] is the header
  std::vector<std::vector<RichText>> rows;  // kTable; kKeyValue: {label, value}
  std::vector<SignatureParty> signers;      // kSignature: one or two
  bool show_qr = false;                     // kSignature (on the last party)
};

struct DocumentBody {
  std::vector<DocumentBlock> blocks;
  // Placeholders that had no text value (missing, null, an object or an array), in order of
  // first use, e.g. "case.number" or "timeline[].source": a document printed with blanks.
  std::vector<std::string> missing;
};

namespace internal {
struct TemplateNode;
}

class DocumentTemplate {
 public:
  // Reads `text`; InvalidArgument names the line and column of the first error: bad placeholder,
  // unclosed or mismatched section, a block not alone on its line, an unterminated `**`, a table
  // row with more cells than its header, invalid UTF-8. Structure errors inside sections are
  // found by expanding every section once with stand-in values.
  static Result<DocumentTemplate> Parse(std::string_view text);

  // The document for `values`. Fails only on a document that grows too large (TooLarge) or a
  // structure error that the stand-in expansion of Parse could not see.
  Result<DocumentBody> Expand(const nlohmann::json& values) const;

 private:
  explicit DocumentTemplate(std::shared_ptr<const std::vector<internal::TemplateNode>> nodes);
  std::shared_ptr<const std::vector<internal::TemplateNode>> nodes_;
};

// The text of a value as it is printed: invalid UTF-8 -> U+FFFD; C0/C1 controls (except '\n'
// and tab, which becomes a space), DEL, bidi controls, zero-width and other invisible format
// characters, line/paragraph separators -> "[U+XXXX]"; "\r\n" -> "\n"; longer than 64 KiB ->
// cut with a note of how much was left out.
std::string VisibleText(std::string_view value);

// A stable text form of a body for golden tests: one line per block, runs as JSON strings
// (bold ones prefixed with B).
std::string DebugString(const DocumentBody& body);

// "10 Juli 2025" (language "id") or "10 July 2025" (other), for the day of `t` at
// `utc_offset_minutes` (WITA, Kutai Kartanegara's zone, is +480).
std::string FormatLongDate(TimeNs t, int utc_offset_minutes, std::string_view language);

}  // namespace pantau
