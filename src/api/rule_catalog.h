// The rules detection runs now, as the API shows them: what each says about itself, and its YAML
// document as written. app/ keeps an immutable snapshot beside the compiled rule set and replaces
// both together when the rules are reloaded; the API reads it through this interface, since api/
// does not link app/ (nor needs the compiled rules).
//
// Thread-safety: Rules may be called from any thread; a snapshot never changes.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace pantau {

struct RuleEntry {
  std::string id;  // the rule's id, or its title when it has none (as alerts name it)
  std::string title;
  std::string kind;  // "detection" or "correlation"
  std::string level;
  std::string status;
  std::string description;
  std::vector<std::string> tags;
  std::vector<std::string> attack;  // ATT&CK technique ids from the tags: "T1110", "T1110.001"
  // False when the rule only feeds a correlation (its matches are no alerts of their own).
  bool standalone = true;
  std::string source;  // "builtin", or the rule file's path
  std::string text;    // the rule's YAML document as written
};

using RuleEntries = std::vector<RuleEntry>;

class RuleCatalog {
 public:
  virtual ~RuleCatalog() = default;
  // The running rules, in load order; never null.
  virtual std::shared_ptr<const RuleEntries> Rules() const = 0;
};

}  // namespace pantau
