#include "monitor/page_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_set>

namespace pantau {
namespace {

bool EndsSentence(char c) { return c == '.' || c == '!' || c == '?'; }

void AddReason(std::string& reasons, std::string_view reason) {
  if (reasons.find(reason) != std::string::npos) return;
  if (!reasons.empty()) reasons += "; ";
  reasons += reason;
}

// Where a line that starts at `begin` ends: after its sentence, or before max_bytes at a space,
// or at a character boundary.
size_t LineEnd(std::string_view text, size_t begin, size_t max_bytes) {
  const size_t limit = std::min(text.size(), begin + max_bytes);
  for (size_t j = begin; j < limit; ++j) {
    if (EndsSentence(text[j]) && (j + 1 == text.size() || text[j + 1] == ' ')) return j + 1;
  }
  if (limit == text.size()) return limit;
  if (const size_t space = text.rfind(' ', limit); space != std::string_view::npos && space > begin)
    return space;
  size_t end = limit;  // no space: cut before a UTF-8 continuation byte
  while (end > begin + 1 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return end;
}

struct Op {
  DiffOp op;
  const std::string* line;
};

// Every line of both as same, removed or added, by a longest common subsequence of the middle
// that the common head and tail leave.
std::vector<Op> LineOps(const std::vector<std::string>& from, const std::vector<std::string>& to,
                        size_t max_lines) {
  size_t head = 0;
  while (head < from.size() && head < to.size() && from[head] == to[head]) ++head;
  size_t tail = 0;
  while (tail < from.size() - head && tail < to.size() - head &&
         from[from.size() - 1 - tail] == to[to.size() - 1 - tail]) {
    ++tail;
  }
  const size_t n = from.size() - head - tail;
  const size_t m = to.size() - head - tail;
  std::vector<Op> ops;
  ops.reserve(from.size() + to.size());
  for (size_t i = 0; i < head; ++i) ops.push_back({DiffOp::kSame, &from[i]});

  // The table's cells count common lines, at most min(n, m): 16 bits hold them when the sides are
  // bounded; past that (a caller that did not bound them), the middle is all removed then added.
  const bool table_fits =
      n <= max_lines && m <= max_lines && std::min(n, m) < std::numeric_limits<uint16_t>::max();
  if (table_fits && n > 0 && m > 0) {
    std::vector<size_t> hash_from(n), hash_to(m);
    for (size_t i = 0; i < n; ++i) hash_from[i] = std::hash<std::string>{}(from[head + i]);
    for (size_t j = 0; j < m; ++j) hash_to[j] = std::hash<std::string>{}(to[head + j]);
    auto equal = [&](size_t i, size_t j) {
      return hash_from[i] == hash_to[j] && from[head + i] == to[head + j];
    };
    // lcs[i * (m + 1) + j]: common lines of from[i..n) and to[j..m).
    std::vector<uint16_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> uint16_t& { return lcs[i * (m + 1) + j]; };
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        at(i, j) = equal(i, j) ? static_cast<uint16_t>(at(i + 1, j + 1) + 1)
                               : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    size_t i = 0;
    size_t j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && equal(i, j)) {
        ops.push_back({DiffOp::kSame, &from[head + i++]});
        ++j;
      } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
        ops.push_back({DiffOp::kRemoved, &from[head + i++]});
      } else {
        ops.push_back({DiffOp::kAdded, &to[head + j++]});
      }
    }
  } else {
    for (size_t i = 0; i < n; ++i) ops.push_back({DiffOp::kRemoved, &from[head + i]});
    for (size_t j = 0; j < m; ++j) ops.push_back({DiffOp::kAdded, &to[head + j]});
  }
  for (size_t k = to.size() - tail; k < to.size(); ++k) ops.push_back({DiffOp::kSame, &to[k]});

  // Within a change, what went before what came: a reader sees the old lines, then the new.
  for (auto it = ops.begin(); it != ops.end();) {
    if (it->op == DiffOp::kSame) {
      ++it;
      continue;
    }
    auto end = std::find_if(it, ops.end(), [](const Op& o) { return o.op == DiffOp::kSame; });
    std::stable_partition(it, end, [](const Op& o) { return o.op == DiffOp::kRemoved; });
    it = end;
  }
  return ops;
}

template <typename T, typename Key>
std::vector<T> Missing(const std::vector<T>& in, const std::vector<T>& from, Key key,
                       size_t max_items, bool* cut) {
  std::unordered_set<std::string> known;
  for (const T& item : from) known.insert(key(item));
  std::vector<T> out;
  for (const T& item : in) {
    if (!known.insert(key(item)).second) continue;  // in `from`, or listed already
    if (out.size() == max_items) {
      *cut = true;
      break;
    }
    out.push_back(item);
  }
  return out;
}

template <typename T, typename Key>
ListDiff<T> DiffLists(const std::vector<T>& from, const std::vector<T>& to, Key key,
                      size_t max_items, bool* cut) {
  return {Missing(to, from, key, max_items, cut), Missing(from, to, key, max_items, cut)};
}

const char* OpName(DiffOp op) {
  switch (op) {
    case DiffOp::kAdded:
      return "added";
    case DiffOp::kRemoved:
      return "removed";
    case DiffOp::kSame:
      break;
  }
  return "same";
}

}  // namespace

std::vector<std::string> TextLines(std::string_view text, const PageDiffLimits& limits, bool* cut) {
  *cut = false;
  const size_t max_bytes = std::max<size_t>(limits.max_line_bytes, 1);
  std::vector<std::string> lines;
  size_t i = 0;
  while (true) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i == text.size()) break;
    if (lines.size() == limits.max_lines) {
      *cut = true;
      break;
    }
    const size_t end = LineEnd(text, i, max_bytes);
    std::string_view line = text.substr(i, end - i);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    lines.emplace_back(line);
    i = end;
  }
  return lines;
}

std::vector<DiffLine> DiffLines(const std::vector<std::string>& from,
                                const std::vector<std::string>& to, const PageDiffLimits& limits,
                                bool* cut) {
  *cut = false;
  const std::vector<Op> ops = LineOps(from, to, limits.max_lines);
  // An unchanged line is shown when a change is at most `context` lines before or after it.
  std::vector<bool> shown(ops.size(), false);
  constexpr size_t kNoChange = std::numeric_limits<size_t>::max();
  auto step = [](size_t since, DiffOp op) {
    if (op != DiffOp::kSame) return size_t{0};
    return since == kNoChange ? kNoChange : since + 1;
  };
  size_t since = kNoChange;  // lines since the last change
  for (size_t k = 0; k < ops.size(); ++k) {
    since = step(since, ops[k].op);
    shown[k] = since <= limits.context;
  }
  since = kNoChange;  // lines until the next change
  for (size_t k = ops.size(); k-- > 0;) {
    since = step(since, ops[k].op);
    shown[k] = shown[k] || since <= limits.context;
  }

  std::vector<DiffLine> out;
  auto emit = [&](DiffLine line) {
    if (out.size() == limits.max_entries) {
      *cut = true;
      return false;
    }
    out.push_back(std::move(line));
    return true;
  };
  for (size_t k = 0; k < ops.size();) {
    if (shown[k]) {
      if (!emit({ops[k].op, *ops[k].line, 0})) break;
      ++k;
      continue;
    }
    size_t end = k;
    while (end < ops.size() && !shown[end]) ++end;
    // A fold of one line takes the room of the line: show it.
    if (!emit(end - k == 1 ? DiffLine{DiffOp::kSame, *ops[k].line, 0}
                           : DiffLine{DiffOp::kSame, "", end - k})) {
      break;
    }
    k = end;
  }
  return out;
}

PageDiff DiffPages(const PageSummary& from, const PageSummary& to, const PageDiffLimits& limits) {
  PageDiff diff;
  diff.title_from = from.title;
  diff.title_to = to.title;
  if (from.truncated || to.truncated) {
    AddReason(diff.truncated, "a page is larger than its summary reads; its end is not compared");
  }

  bool cut_from = false;
  bool cut_to = false;
  const std::vector<std::string> lines_from = TextLines(from.text, limits, &cut_from);
  const std::vector<std::string> lines_to = TextLines(to.text, limits, &cut_to);
  if (cut_from || cut_to) {
    AddReason(diff.truncated,
              fmt::format("a page has more than {} lines of text; the rest is not compared",
                          limits.max_lines));
  }
  bool cut = false;
  diff.text = DiffLines(lines_from, lines_to, limits, &cut);
  if (cut) {
    AddReason(diff.truncated, fmt::format("the text diff has more than {} entries; the rest is "
                                          "not shown",
                                          limits.max_entries));
  }

  cut = false;
  std::vector<LinkChange> links_from;
  std::vector<LinkChange> links_to;
  for (const PageLink& l : from.links) links_from.push_back({l.href, l.text, l.hidden_by});
  for (const PageLink& l : to.links) links_to.push_back({l.href, l.text, l.hidden_by});
  auto href = [](const LinkChange& l) { return l.href; };
  auto self = [](const std::string& s) { return s; };
  diff.links = DiffLists(links_from, links_to, href, limits.max_items, &cut);
  diff.scripts = DiffLists(from.scripts, to.scripts, self, limits.max_items, &cut);
  diff.iframes = DiffLists(from.iframes, to.iframes, self, limits.max_items, &cut);
  if (cut) {
    AddReason(diff.truncated,
              fmt::format("more than {} links, scripts or iframes were added or removed; the rest "
                          "is not listed",
                          limits.max_items));
  }
  return diff;
}

std::string PageDiff::ToJson() const {
  nlohmann::json j;
  j["title"] = {{"from", title_from}, {"to", title_to}};
  j["text"] = nlohmann::json::array();
  for (const DiffLine& l : text) {
    if (l.skipped > 0) {
      j["text"].push_back({{"op", OpName(l.op)}, {"skipped", l.skipped}});
    } else {
      j["text"].push_back({{"op", OpName(l.op)}, {"text", l.text}});
    }
  }
  auto links_json = [](const std::vector<LinkChange>& links) {
    nlohmann::json out = nlohmann::json::array();
    for (const LinkChange& l : links) {
      out.push_back({{"href", l.href}, {"text", l.text}, {"hidden_by", l.hidden_by}});
    }
    return out;
  };
  j["links"] = {{"added", links_json(links.added)}, {"removed", links_json(links.removed)}};
  j["scripts"] = {{"added", scripts.added}, {"removed", scripts.removed}};
  j["iframes"] = {{"added", iframes.added}, {"removed", iframes.removed}};
  j["truncated"] = !truncated.empty();
  j["truncated_reason"] = truncated;
  // The pages are the attacker's: bytes that are not UTF-8 are replaced, never an exception.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace pantau
