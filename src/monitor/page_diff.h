// What changed between two monitored pages, usually the approved baseline and the page a check
// found: the title, a line diff of the visible text (cut into sentences, since the summary
// collapses the page's text to one line), and the links, external scripts and iframes that one
// has and the other has not. It is what an analyst reads in an alert of dataset monitor.web to SEE
// the defacement (GET /api/v1/monitor/diff, api/monitor_route.h).
//
// Both pages are the attacker's: everything is bounded (lines compared, entries answered, items
// listed), and the answer says when a bound cut it. The text diff is a longest common subsequence
// over lines, after the common head and tail are set aside; with at most `max_lines` lines a side,
// its table is at most max_lines² 16-bit cells (8 MB at 2,000).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "monitor/html_summary.h"

namespace pantau {

enum class DiffOp { kSame, kAdded, kRemoved };

struct DiffLine {
  DiffOp op = DiffOp::kSame;
  std::string text;    // empty for a fold of unchanged lines
  size_t skipped = 0;  // > 0: this entry stands for that many unchanged lines, not shown
};

struct LinkChange {
  std::string href, text, hidden_by;  // hidden_by: why a reader does not see it; "" when they do
};

template <typename T>
struct ListDiff {
  std::vector<T> added, removed;
};

struct PageDiffLimits {
  size_t max_lines = 2000;      // lines of text compared a side; the rest is not
  size_t max_entries = 500;     // entries of the text diff answered
  size_t max_line_bytes = 400;  // a longer sentence is cut into lines at a space
  size_t context = 3;           // unchanged lines shown before and after a change
  size_t max_items = 500;       // links, scripts and iframes listed, each of added and removed
};

struct PageDiff {
  std::string title_from, title_to;
  std::vector<DiffLine> text;
  ListDiff<LinkChange> links;
  ListDiff<std::string> scripts, iframes;
  // Why the diff is not whole ("" when it is): a page summary cut at its bound, too many lines,
  // entries or items. Each reason once, in the order met, "; " between.
  std::string truncated;

  // {"title": {"from", "to"}, "text": [{"op": "same"|"added"|"removed", "text"} or
  //  {"op": "same", "skipped": n}], "links": {"added": [{"href", "text", "hidden_by"}], "removed"},
  //  "scripts": {"added": [...], "removed": [...]}, "iframes": {...}, "truncated": bool,
  //  "truncated_reason": "..."}
  std::string ToJson() const;
};

// The visible text cut into lines: after a sentence's end (".", "!" or "?" and a space) and, in a
// sentence longer than max_line_bytes, at its last space before that bound (or at a UTF-8
// character boundary when it has none). At most max_lines lines; *cut says whether more followed.
std::vector<std::string> TextLines(std::string_view text, const PageDiffLimits& limits, bool* cut);

// A line diff of `from` to `to`: every line of both, in order, as same, removed or added (removed
// before added within a change). Runs of unchanged lines further than `context` from a change fold
// into one entry; at most max_entries entries, *cut saying whether more followed.
std::vector<DiffLine> DiffLines(const std::vector<std::string>& from,
                                const std::vector<std::string>& to, const PageDiffLimits& limits,
                                bool* cut);

PageDiff DiffPages(const PageSummary& from, const PageSummary& to,
                   const PageDiffLimits& limits = {});

}  // namespace pantau
