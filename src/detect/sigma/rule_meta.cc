#include "detect/sigma/rule_meta.h"

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

}  // namespace pantau::sigma
