#include "cases/attack_library.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "auth/audit.h"
#include "cases/attack_library_yaml.h"
#include "cases/json_text.h"
#include "cases/text.h"
#include "core/event.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

constexpr size_t kMaxName = 200;
constexpr size_t kMaxDescription = 4000;
constexpr size_t kMaxItems = 30;
constexpr size_t kMaxItem = 500;
constexpr size_t kMaxUrl = 500;
constexpr size_t kMaxKey = 64;

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsTechniqueId(std::string_view id) {
  if (id.size() == 5) return id[0] == 'T' && IsDigits(id.substr(1));
  if (id.size() == 9) {
    return id[0] == 'T' && IsDigits(id.substr(1, 4)) && id[5] == '.' && IsDigits(id.substr(6));
  }
  return false;
}

bool IsIncidentKey(std::string_view id) {
  return id.size() >= 2 && id.size() <= kMaxKey && id[0] >= 'a' && id[0] <= 'z' &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

// t1110.001 -> T1110.001; keys stay as they are.
std::string NormalisedId(std::string_view id) {
  std::string out(id);
  if (!out.empty() && out[0] == 't' && IsTechniqueId("T" + out.substr(1))) out[0] = 'T';
  return out;
}

Status CheckId(std::string_view field, std::string_view id) {
  if (IsTechniqueId(id) || IsIncidentKey(id)) return Status::Ok();
  return InvalidArgument(fmt::format(
      "{}: '{}' is neither an ATT&CK technique id (T1110, T1110.001) nor an incident type key "
      "(2 to {} of a-z, 0-9 and _, starting with a letter)",
      field, ShortenedText(id, 80), kMaxKey));
}

Status CheckText(std::string_view field, const LocalizedText& t, size_t max, bool multiline) {
  for (const auto& [lang, text] : {std::pair{"id", &t.id}, std::pair{"en", &t.en}}) {
    if (TrimmedText(*text).empty() || text->size() > max || !IsPrintableText(*text, multiline)) {
      return InvalidArgument(fmt::format("{}.{}: 1 to {} printable characters{}", field, lang, max,
                                         multiline ? "" : " on one line"));
    }
  }
  return Status::Ok();
}

Status CheckList(std::string_view field, const LocalizedList& l) {
  for (const auto& [lang, items] : {std::pair{"id", &l.id}, std::pair{"en", &l.en}}) {
    if (items->empty() || items->size() > kMaxItems) {
      return InvalidArgument(fmt::format("{}.{}: 1 to {} items", field, lang, kMaxItems));
    }
    for (const std::string& item : *items) {
      if (TrimmedText(item).empty() || item.size() > kMaxItem || !IsPrintableText(item, false)) {
        return InvalidArgument(fmt::format(
            "{}.{}: each item 1 to {} printable characters on one line", field, lang, kMaxItem));
      }
    }
  }
  return Status::Ok();
}

Status CheckUrl(std::string_view url) {
  if (url.empty()) return Status::Ok();
  // Shown as a link: only https, so that no javascript: or data: URL gets into a page.
  const bool ok = url.starts_with("https://") && url.size() > 8 && url.size() <= kMaxUrl &&
                  std::all_of(url.begin(), url.end(), [](char c) {
                    const auto u = static_cast<unsigned char>(c);
                    return u > 0x20 && u < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\';
                  });
  if (ok) return Status::Ok();
  return InvalidArgument(
      fmt::format("url: an https:// URL of at most {} characters without spaces", kMaxUrl));
}

Status CheckRelated(const std::vector<std::string>& related) {
  if (related.size() > kMaxItems) {
    return InvalidArgument(fmt::format("related: at most {} ids", kMaxItems));
  }
  for (const std::string& r : related) RETURN_IF_ERROR(CheckId("related", r));
  return Status::Ok();
}

void AppendText(std::string& out, const LocalizedText& t) {
  out += R"({"id":)";
  AppendJsonString(out, t.id);
  out += R"(,"en":)";
  AppendJsonString(out, t.en);
  out += "}";
}

void AppendStrings(std::string& out, const std::vector<std::string>& items) {
  out += "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, items[i]);
  }
  out += "]";
}

void AppendList(std::string& out, const LocalizedList& l) {
  out += R"({"id":)";
  AppendStrings(out, l.id);
  out += R"(,"en":)";
  AppendStrings(out, l.en);
  out += "}";
}

// --- The built-in file ---

Status YamlErrorAt(std::string_view source, const YAML::Node& n, std::string_view why) {
  return InvalidArgument(fmt::format("{}:{}: {}", source, n.Mark().line + 1, why));
}

Result<std::string> ScalarOf(std::string_view source, const YAML::Node& n, std::string_view what) {
  if (!n.IsScalar()) return YamlErrorAt(source, n, fmt::format("{}: expected a string", what));
  return TrimmedText(n.Scalar());
}

Result<std::vector<std::string>> ScalarsOf(std::string_view source, const YAML::Node& n,
                                           std::string_view what) {
  if (!n.IsSequence()) {
    return YamlErrorAt(source, n, fmt::format("{}: expected a list of strings", what));
  }
  std::vector<std::string> out;
  for (const YAML::Node& item : n) {
    ASSIGN_OR_RETURN(std::string s, ScalarOf(source, item, what));
    out.push_back(std::move(s));
  }
  return out;
}

// {id: ..., en: ...} where each value is read by `read`.
template <typename T, typename Read>
Status ReadLanguages(std::string_view source, const YAML::Node& n, std::string_view what, T& out,
                     Read read) {
  if (!n.IsMap()) return YamlErrorAt(source, n, fmt::format("{}: expected {{id, en}}", what));
  bool id = false, en = false;
  for (const auto& kv : n) {
    const std::string lang = kv.first.Scalar();
    if (lang == "id") {
      ASSIGN_OR_RETURN(out.id, read(kv.second, fmt::format("{}.id", what)));
      id = true;
    } else if (lang == "en") {
      ASSIGN_OR_RETURN(out.en, read(kv.second, fmt::format("{}.en", what)));
      en = true;
    } else {
      return YamlErrorAt(source, kv.first,
                         fmt::format("{}: unknown language '{}' (id or en)", what, lang));
    }
  }
  if (!id || !en) {
    return YamlErrorAt(source, n, fmt::format("{}: needs both id (Indonesian) and en", what));
  }
  return Status::Ok();
}

Result<AttackEntry> EntryOfYaml(std::string_view source, const YAML::Node& item) {
  if (!item.IsMap()) return YamlErrorAt(source, item, "an entry must be a map");
  AttackEntry e;
  auto text = [&](const YAML::Node& n, const std::string& what) {
    return ScalarOf(source, n, what);
  };
  auto list = [&](const YAML::Node& n, const std::string& what) {
    return ScalarsOf(source, n, what);
  };
  bool name = false, description = false, indicators = false, mitigations = false;
  for (const auto& kv : item) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "id") {
      ASSIGN_OR_RETURN(e.id, ScalarOf(source, v, "id"));
    } else if (key == "url") {
      ASSIGN_OR_RETURN(e.url, ScalarOf(source, v, "url"));
    } else if (key == "related") {
      ASSIGN_OR_RETURN(e.related, ScalarsOf(source, v, "related"));
    } else if (key == "name") {
      RETURN_IF_ERROR(ReadLanguages(source, v, "name", e.name, text));
      name = true;
    } else if (key == "description") {
      RETURN_IF_ERROR(ReadLanguages(source, v, "description", e.description, text));
      description = true;
    } else if (key == "indicators") {
      RETURN_IF_ERROR(ReadLanguages(source, v, "indicators", e.indicators, list));
      indicators = true;
    } else if (key == "mitigations") {
      RETURN_IF_ERROR(ReadLanguages(source, v, "mitigations", e.mitigations, list));
      mitigations = true;
    } else {
      return YamlErrorAt(source, kv.first, fmt::format("unknown key '{}'", key));
    }
  }
  if (!name || !description || !indicators || !mitigations) {
    return YamlErrorAt(source, item,
                       fmt::format("entry '{}' needs name, description, indicators and "
                                   "mitigations",
                                   e.id));
  }
  if (Status s = ValidateAttackEntry(e); !s.ok()) {
    return YamlErrorAt(source, item, fmt::format("entry '{}': {}", e.id, s.message()));
  }
  return e;
}

// --- Admins' changes, stored as the JSON of the fields they set ---

nlohmann::json PatchJson(const AttackEntryPatch& p) {
  nlohmann::json j = nlohmann::json::object();
  if (p.name) j["name"] = {{"id", p.name->id}, {"en", p.name->en}};
  if (p.description) j["description"] = {{"id", p.description->id}, {"en", p.description->en}};
  if (p.indicators) j["indicators"] = {{"id", p.indicators->id}, {"en", p.indicators->en}};
  if (p.mitigations) j["mitigations"] = {{"id", p.mitigations->id}, {"en", p.mitigations->en}};
  if (p.url) j["url"] = *p.url;
  if (p.related) j["related"] = *p.related;
  return j;
}

std::string StringOf(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> StringsOf(const nlohmann::json& j, const char* name) {
  std::vector<std::string> out;
  auto it = j.find(name);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

// The stored fields over `e`. What was stored was checked when it was set; a field of another
// shape (the file edited by hand) is skipped rather than trusted.
void ApplyStored(const nlohmann::json& j, AttackEntry& e) {
  if (!j.is_object()) return;
  auto text = [&](const char* name, LocalizedText& out) {
    auto it = j.find(name);
    if (it != j.end() && it->is_object()) out = {StringOf(*it, "id"), StringOf(*it, "en")};
  };
  auto list = [&](const char* name, LocalizedList& out) {
    auto it = j.find(name);
    if (it != j.end() && it->is_object()) out = {StringsOf(*it, "id"), StringsOf(*it, "en")};
  };
  text("name", e.name);
  text("description", e.description);
  list("indicators", e.indicators);
  list("mitigations", e.mitigations);
  if (j.contains("url")) e.url = StringOf(j, "url");
  if (j.contains("related")) e.related = StringsOf(j, "related");
}

std::string AuditObjectOf(std::string_view id) { return fmt::format("attack:{}", id); }

// Incident types first (what the team thinks in), then techniques, each by id.
bool EntryOrder(const AttackEntry& a, const AttackEntry& b) {
  if (a.IsTechnique() != b.IsTechnique()) return !a.IsTechnique();
  return a.id < b.id;
}

}  // namespace

bool AttackEntry::IsTechnique() const { return IsTechniqueId(id); }

std::string AttackEntry::ToJson() const {
  std::string out = R"({"id":)";
  AppendJsonString(out, id);
  out += IsTechnique() ? R"(,"kind":"technique","name":)" : R"(,"kind":"incident","name":)";
  AppendText(out, name);
  out += R"(,"description":)";
  AppendText(out, description);
  out += R"(,"indicators":)";
  AppendList(out, indicators);
  out += R"(,"mitigations":)";
  AppendList(out, mitigations);
  out += R"(,"url":)";
  if (url.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, url);
  }
  out += R"(,"related":)";
  AppendStrings(out, related);
  out += R"(,"source":)";
  AppendJsonString(out, source);
  out += R"(,"updated_by":)";
  if (updated_by.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, updated_by);
  }
  out += R"(,"updated":)";
  if (updated == 0) {
    out += "null";
  } else {
    AppendJsonString(out, FormatRfc3339(updated));
  }
  return out + "}";
}

Status ValidateAttackEntry(const AttackEntry& e) {
  RETURN_IF_ERROR(CheckId("id", e.id));
  RETURN_IF_ERROR(CheckText("name", e.name, kMaxName, false));
  RETURN_IF_ERROR(CheckText("description", e.description, kMaxDescription, true));
  RETURN_IF_ERROR(CheckList("indicators", e.indicators));
  RETURN_IF_ERROR(CheckList("mitigations", e.mitigations));
  RETURN_IF_ERROR(CheckUrl(e.url));
  if (e.IsTechnique() && e.url.empty()) {
    return InvalidArgument("url: a technique needs its ATT&CK page");
  }
  return CheckRelated(e.related);
}

Result<std::vector<AttackEntry>> ParseAttackLibrary(std::string_view yaml,
                                                    std::string_view source) {
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap()) return YamlErrorAt(source, root, "expected a map with 'entries'");
    YAML::Node list;
    for (const auto& kv : root) {
      if (kv.first.Scalar() != "entries") {
        return YamlErrorAt(source, kv.first, fmt::format("unknown key '{}'", kv.first.Scalar()));
      }
      list = kv.second;
    }
    if (!list.IsSequence()) return YamlErrorAt(source, root, "expected a list 'entries'");
    std::vector<AttackEntry> out;
    std::map<std::string, int> lines;
    for (const YAML::Node& item : list) {
      ASSIGN_OR_RETURN(AttackEntry e, EntryOfYaml(source, item));
      const auto [it, added] = lines.emplace(e.id, item.Mark().line + 1);
      if (!added) {
        return YamlErrorAt(source, item,
                           fmt::format("entry '{}' again (first on line {})", e.id, it->second));
      }
      out.push_back(std::move(e));
    }
    for (const AttackEntry& e : out) {
      for (const std::string& r : e.related) {
        if (!lines.contains(r)) {
          return InvalidArgument(fmt::format("{}:{}: entry '{}': related '{}' is not an entry",
                                             source, lines[e.id], e.id, r));
        }
      }
    }
    return out;
  } catch (const YAML::Exception& e) {
    return InvalidArgument(fmt::format("{}:{}: {}", source, e.mark.line + 1, e.msg));
  }
}

std::string CaseAttackReference::ToJson() const {
  std::string out = R"({"items":[)";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    std::string entry = items[i].entry.ToJson();
    entry.pop_back();
    out += entry;
    out += R"(,"matched_by":)";
    AppendJsonString(out, items[i].matched_by);
    out += R"(,"matched":)";
    AppendJsonString(out, items[i].matched);
    out += "}";
  }
  out += fmt::format(R"(],"next_cursor":null,"total":{},"missing":)", items.size());
  AppendStrings(out, missing);
  return out + "}";
}

Result<std::unique_ptr<AttackLibrary>> AttackLibrary::Open(const std::string& data_dir,
                                                           const Clock& clock) {
  auto builtin = ParseAttackLibrary(BuiltinAttackLibraryYaml(), "attack_library.yaml");
  if (!builtin.ok()) {
    return Internal("the built-in attack library does not parse: " + builtin.status().message());
  }
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<AttackLibrary>(
      new AttackLibrary(std::move(*builtin), std::move(db), clock));
}

const AttackEntry* AttackLibrary::Builtin(std::string_view id) const {
  for (const AttackEntry& e : builtin_) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

Result<std::optional<AttackEntry>> AttackLibrary::GetLocked(std::string_view id) {
  ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db_.Prepare("SELECT fields, updated_by, updated FROM attack_overrides WHERE id = ?"));
  st.BindText(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  const AttackEntry* builtin = Builtin(id);
  if (!row) {
    if (builtin == nullptr) return std::optional<AttackEntry>();
    return std::optional<AttackEntry>(*builtin);
  }
  AttackEntry e;
  if (builtin != nullptr) {
    e = *builtin;
    e.source = "override";
  } else {
    e.id = std::string(id);
    e.source = "custom";
  }
  ApplyStored(nlohmann::json::parse(st.Text(0), nullptr, false), e);
  e.updated_by = st.Text(1);
  e.updated = st.Int(2);
  return std::optional<AttackEntry>(std::move(e));
}

Result<std::vector<AttackEntry>> AttackLibrary::List() {
  std::lock_guard lock(mu_);
  std::vector<AttackEntry> out = builtin_;
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT id, fields, updated_by, updated FROM attack_overrides"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const std::string id(st.Text(0));
    auto it =
        std::find_if(out.begin(), out.end(), [&](const AttackEntry& e) { return e.id == id; });
    if (it == out.end()) {
      it = out.insert(out.end(), AttackEntry{});
      it->id = id;
      it->source = "custom";
    } else {
      it->source = "override";
    }
    ApplyStored(nlohmann::json::parse(st.Text(1), nullptr, false), *it);
    it->updated_by = st.Text(2);
    it->updated = st.Int(3);
  }
  std::sort(out.begin(), out.end(), EntryOrder);
  return out;
}

Result<AttackEntry> AttackLibrary::Get(std::string_view raw_id) {
  const std::string id = NormalisedId(raw_id);
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(std::optional<AttackEntry> e, GetLocked(id));
  if (!e) return NotFound(fmt::format("no attack reference entry '{}'", ShortenedText(id, 80)));
  return std::move(*e);
}

Result<AttackEntry> AttackLibrary::Put(std::string_view raw_id, const AttackEntryPatch& patch,
                                       const Actor& actor) {
  const std::string id = NormalisedId(raw_id);
  RETURN_IF_ERROR(CheckId("id", id));
  if (!patch.name && !patch.description && !patch.indicators && !patch.mitigations && !patch.url &&
      !patch.related) {
    return InvalidArgument(
        "nothing to change: give name, description, indicators, mitigations, url or related");
  }
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  auto work = [&]() -> Result<AttackEntry> {
    const TimeNs now = clock_.Now();
    nlohmann::json fields = nlohmann::json::object();
    {
      ASSIGN_OR_RETURN(sqlite::Stmt st,
                       db_.Prepare("SELECT fields FROM attack_overrides WHERE id = ?"));
      st.BindText(1, id);
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) {
        fields = nlohmann::json::parse(st.Text(0), nullptr, false);
        if (!fields.is_object()) fields = nlohmann::json::object();
      }
    }
    const nlohmann::json change = PatchJson(patch);
    fields.update(change);
    // What the entry will be, checked whole before anything is stored.
    AttackEntry after;
    if (const AttackEntry* builtin = Builtin(id)) {
      after = *builtin;
    } else {
      after.id = id;
    }
    ApplyStored(fields, after);
    if (Status s = ValidateAttackEntry(after); !s.ok()) {
      return Builtin(id) != nullptr
                 ? s
                 : InvalidArgument(fmt::format("'{}' is a new entry and needs every field: {}", id,
                                               s.message()));
    }
    ASSIGN_OR_RETURN(
        sqlite::Stmt put,
        db_.Prepare("INSERT INTO attack_overrides(id, fields, updated_by, updated) VALUES(?, ?, "
                    "?, ?) ON CONFLICT(id) DO UPDATE SET fields = excluded.fields, updated_by = "
                    "excluded.updated_by, updated = excluded.updated"));
    put.BindText(1, id);
    put.BindText(2, JsonText(fields));
    put.BindText(3, actor.name);
    put.BindInt(4, now);
    RETURN_IF_ERROR(put.Run());
    const nlohmann::json details = {{"id", id},
                                    {"role", RoleName(actor.role)},
                                    {"source", Builtin(id) != nullptr ? "override" : "custom"},
                                    {"changes", change}};
    RETURN_IF_ERROR(
        AppendAudit(db_, now, actor.name, "attack.update", AuditObjectOf(id), JsonText(details))
            .status());
    ASSIGN_OR_RETURN(std::optional<AttackEntry> e, GetLocked(id));
    if (!e) return Internal(fmt::format("attack entry '{}' was not stored", id));
    return std::move(*e);
  };
  Result<AttackEntry> out = work();
  Status s = out.ok() ? db_.Exec("COMMIT") : out.status();
  if (!s.ok()) {
    (void)db_.Exec("ROLLBACK");
    return s;
  }
  return out;
}

Result<std::optional<AttackEntry>> AttackLibrary::Reset(std::string_view raw_id,
                                                        const Actor& actor) {
  const std::string id = NormalisedId(raw_id);
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  auto work = [&]() -> Result<std::optional<AttackEntry>> {
    const TimeNs now = clock_.Now();
    ASSIGN_OR_RETURN(sqlite::Stmt del,
                     db_.Prepare("DELETE FROM attack_overrides WHERE id = ? RETURNING fields"));
    del.BindText(1, id);
    ASSIGN_OR_RETURN(bool row, del.Step());
    if (!row) {
      return NotFound(
          fmt::format("attack reference entry '{}' has no changes to undo", ShortenedText(id, 80)));
    }
    const nlohmann::json dropped = nlohmann::json::parse(del.Text(0), nullptr, false);
    del.Reset();
    const nlohmann::json details = {{"id", id},
                                    {"role", RoleName(actor.role)},
                                    {"source", Builtin(id) != nullptr ? "override" : "custom"},
                                    {"dropped", dropped}};
    RETURN_IF_ERROR(
        AppendAudit(db_, now, actor.name, "attack.reset", AuditObjectOf(id), JsonText(details))
            .status());
    return GetLocked(id);
  };
  Result<std::optional<AttackEntry>> out = work();
  Status s = out.ok() ? db_.Exec("COMMIT") : out.status();
  if (!s.ok()) {
    (void)db_.Exec("ROLLBACK");
    return s;
  }
  return out;
}

Result<CaseAttackReference> AttackLibrary::ForCase(std::span<const std::string> techniques,
                                                   std::string_view incident_type) {
  std::lock_guard lock(mu_);
  CaseAttackReference ref;
  auto has = [&](const std::string& id) {
    return std::any_of(ref.items.begin(), ref.items.end(),
                       [&](const AttackMatch& m) { return m.entry.id == id; });
  };
  if (!incident_type.empty() && incident_type != "other") {
    ASSIGN_OR_RETURN(std::optional<AttackEntry> e, GetLocked(incident_type));
    if (e) ref.items.push_back({std::move(*e), "incident_type", std::string(incident_type)});
  }
  // Exact entries first, so that a parent taken for one sub-technique does not hide the case's
  // own mention of the parent.
  std::vector<std::string> unmatched;
  for (const std::string& t : techniques) {
    const std::string id = NormalisedId(t);
    ASSIGN_OR_RETURN(std::optional<AttackEntry> e, GetLocked(id));
    if (!e) {
      unmatched.push_back(id);
    } else if (!has(id)) {
      ref.items.push_back({std::move(*e), "technique", id});
    }
  }
  for (const std::string& id : unmatched) {
    const size_t dot = id.find('.');
    std::optional<AttackEntry> parent;
    if (dot != std::string::npos) {
      ASSIGN_OR_RETURN(parent, GetLocked(id.substr(0, dot)));
    }
    if (!parent) {
      ref.missing.push_back(id);
    } else if (!has(parent->id)) {
      ref.items.push_back({std::move(*parent), "parent_technique", id});
    }
  }
  return ref;
}

}  // namespace pantau
