#include "detect/sigma/rule_meta.h"

#include <algorithm>
#include <cctype>

namespace pantau::sigma {

std::string Scalar(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

std::vector<std::string> StringList(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsSequence()) {
    for (const YAML::Node& v : n) {
      if (v.IsScalar()) out.push_back(v.Scalar());
    }
  } else if (n && n.IsScalar()) {
    out.push_back(n.Scalar());
  }
  return out;
}

Status ReadRuleMeta(const YAML::Node& doc, RuleMeta& meta, int& line) {
  meta.line = doc.Mark().line + 1;
  meta.title = Scalar(doc["title"]);
  if (meta.title.empty()) {
    line = meta.line;
    return InvalidArgument("the rule has no title");
  }
  meta.id = Scalar(doc["id"]);
  meta.name = Scalar(doc["name"]);
  meta.description = Scalar(doc["description"]);
  meta.status = Scalar(doc["status"]);
  meta.author = Scalar(doc["author"]);
  if (const YAML::Node level = doc["level"]) {
    auto parsed = ParseLevel(Scalar(level));
    if (!parsed.ok()) {
      line = level.Mark().line + 1;
      return parsed.status();
    }
    meta.level = *parsed;
  }
  meta.tags = StringList(doc["tags"]);
  meta.references = StringList(doc["references"]);
  meta.falsepositives = StringList(doc["falsepositives"]);
  meta.fields = StringList(doc["fields"]);
  return Status::Ok();
}

std::vector<std::string> AttackTechniques(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  auto digits = [](std::string_view s, size_t n) {
    return s.size() == n &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  for (const std::string& tag : tags) {
    constexpr std::string_view kPrefix = "attack.t";
    if (tag.size() <= kPrefix.size()) continue;
    std::string lower = tag;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!lower.starts_with(kPrefix)) continue;
    // T then four digits, and a sub-technique of three after a dot.
    const std::string_view id = std::string_view(lower).substr(kPrefix.size());
    const size_t dot = id.find('.');
    const bool technique = dot == std::string_view::npos
                               ? digits(id, 4)
                               : digits(id.substr(0, dot), 4) && digits(id.substr(dot + 1), 3);
    if (!technique) continue;
    std::string name = "T" + std::string(id);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

std::string_view DocumentAt(std::string_view text, int line) {
  // A document separator: "---" (or the end marker "...") alone or before a space at the start
  // of a line.
  auto separator = [](std::string_view l) {
    if (!l.starts_with("---") && !l.starts_with("...")) return false;
    return l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r' || l[3] == '\n';
  };
  size_t begin = 0;  // of the current document
  int number = 1;    // of the line at `pos`
  size_t pos = 0;
  bool found = false;
  while (pos <= text.size()) {
    const size_t nl = text.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    const std::string_view l = text.substr(pos, end - pos);
    if (separator(l)) {
      if (found) return text.substr(begin, pos - begin);
      begin = end;
    } else if (number == line) {
      found = true;
    }
    if (nl == std::string_view::npos) break;
    pos = end;
    ++number;
  }
  return found ? text.substr(begin) : std::string_view();
}

}  // namespace pantau::sigma
