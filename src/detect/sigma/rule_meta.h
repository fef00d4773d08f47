// What every Sigma document (rule, correlation) says about itself, and the small YAML readers
// the loaders share.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/sigma/level.h"

namespace pantau::sigma {

struct RuleMeta {
  std::string id;
  std::string name;
  std::string title;
  std::string description;
  std::string status;
  std::string author;
  Level level = Level::kMedium;
  std::vector<std::string> tags;
  std::vector<std::string> references;
  std::vector<std::string> falsepositives;
  std::vector<std::string> fields;
  std::string file;
  int line = 1;
};

// The text of a scalar node, or "".
std::string Scalar(const YAML::Node& n);
// A scalar or a list of scalars, as texts.
std::vector<std::string> StringList(const YAML::Node& n);

// Reads title (required), id, name, description, status, author, level, tags, references,
// falsepositives and fields. `line` is set to where a problem is.
Status ReadRuleMeta(const YAML::Node& doc, RuleMeta& meta, int& line);

// The MITRE ATT&CK technique ids among Sigma tags, in order and once each: attack.t1110 ->
// "T1110", attack.t1110.001 -> "T1110.001". Tactics (attack.credential-access, attack.ta0006),
// groups and software are not techniques.
std::vector<std::string> AttackTechniques(const std::vector<std::string>& tags);

// The YAML document of a multi-document text (documents separated by "---" lines) that holds
// 1-based line `line`, as written, without its separator lines; empty when there is none.
std::string_view DocumentAt(std::string_view text, int line);

}  // namespace pantau::sigma
