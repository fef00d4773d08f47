#include "api/rules_route.h"

#include "api/list_json.h"
#include "core/event.h"

namespace pantau {
namespace {

void AppendStrings(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, items[i]);
  }
  out += ']';
}

// The rule's members, without the closing brace, so that one rule can add its text.
std::string RuleJsonOpen(const RuleEntry& r) {
  std::string out = R"({"id":)";
  AppendJsonString(out, r.id);
  out += R"(,"title":)";
  AppendJsonString(out, r.title);
  out += R"(,"kind":)";
  AppendJsonString(out, r.kind);
  out += R"(,"level":)";
  AppendJsonString(out, r.level);
  out += R"(,"status":)";
  AppendJsonString(out, r.status);
  out += R"(,"tags":)";
  AppendStrings(out, r.tags);
  out += R"(,"attack":)";
  AppendStrings(out, r.attack);
  out += R"(,"description":)";
  AppendJsonString(out, r.description);
  out += r.standalone ? R"(,"standalone":true)" : R"(,"standalone":false)";
  out += R"(,"source":)";
  AppendJsonString(out, r.source);
  return out;
}

}  // namespace

Result<std::string> HandleRulesList(const ApiContext& ctx) {
  const std::shared_ptr<const RuleEntries> rules = ctx.rules.Rules();
  return WholeListJson(*rules, [](const auto& rule) { return RuleJsonOpen(rule) + "}"; });
}

Result<std::string> HandleRuleGet(std::string_view id, const ApiContext& ctx) {
  const std::shared_ptr<const RuleEntries> rules = ctx.rules.Rules();
  for (const RuleEntry& r : *rules) {
    if (r.id != id) continue;
    std::string out = RuleJsonOpen(r) + R"(,"text":)";
    AppendJsonString(out, r.text);
    return out + "}";
  }
  return NotFound("no rule '" + std::string(id) + "' is loaded");
}

}  // namespace pantau
