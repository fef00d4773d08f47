#include "monitor/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <span>

#include "auth/audit.h"
#include "cases/json_text.h"
#include "core/csv.h"
#include "core/event.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

constexpr std::string_view kCriticalities[] = {"low", "medium", "high", "vital"};
constexpr std::string_view kStatuses[] = {"active", "maintenance", "retired"};

constexpr size_t kMaxText = 200;
constexpr size_t kMaxUrl = 2048;
constexpr size_t kMaxItems = 100;
constexpr int64_t kMinCheckIntervalS = 30;
constexpr int64_t kMaxCheckIntervalS = 86400;
constexpr size_t kMaxImportLines = 10000;
// Ranges broader than these would claim much of the Internet for one system.
constexpr int kMinPrefixV4 = 8;
constexpr int kMinPrefixV6 = 16;

constexpr std::string_view kCsvColumns[] = {"id",
                                            "name",
                                            "agency",
                                            "head_name",
                                            "head_title",
                                            "emails",
                                            "phones",
                                            "chat",
                                            "urls",
                                            "hosts",
                                            "ips",
                                            "cms",
                                            "cms_version",
                                            "server",
                                            "criticality",
                                            "status",
                                            "check_interval_s",
                                            "crawl_pages",
                                            "public_status"};

std::string OneOf(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Control characters (C0, DEL) and the marks that reorder text on screen.
bool HasControl(std::string_view s) {
  if (std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
      })) {
    return true;
  }
  for (std::string_view mark : {"\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066",
                                "\u2067", "\u2068", "\u2069", "\u200E", "\u200F"}) {
    if (s.find(mark) != std::string_view::npos) return true;
  }
  return false;
}

Status CheckText(std::string_view field, std::string& value, bool required) {
  value = Trimmed(value);
  if (value.empty() && required) return InvalidArgument(fmt::format("{}: required", field));
  if (value.size() > kMaxText || HasControl(value)) {
    return InvalidArgument(
        fmt::format("{}: at most {} printable characters on one line", field, kMaxText));
  }
  return Status::Ok();
}

// A host name: labels of letters, digits, '-' and '_', 1 to 63 characters, not starting or
// ending with '-', at most 253 in all. Lower-cased, without a trailing dot.
bool NormaliseHostName(std::string& host) {
  host = Lower(host);
  if (host.ends_with('.')) host.pop_back();
  if (host.empty() || host.size() > 253) return false;
  size_t start = 0;
  while (start <= host.size()) {
    size_t end = host.find('.', start);
    if (end == std::string::npos) end = host.size();
    const std::string_view label(host.data() + start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    }
    start = end + 1;
  }
  return true;
}

bool IsAddress(std::string_view s) {
  auto r = ParseIpRange(s);
  return r.ok() && s.find('/') == std::string_view::npos;
}

Status CheckHost(std::string& host) {
  const std::string given = host;
  if (IsAddress(given)) {
    return InvalidArgument(
        fmt::format("hosts: '{}' is an IP address: list it under ips", given.substr(0, 100)));
  }
  if (given.find('*') != std::string::npos) {
    return InvalidArgument(fmt::format(
        "hosts: '{}': wildcards are not supported; list each host name", given.substr(0, 100)));
  }
  if (!NormaliseHostName(host)) {
    return InvalidArgument(
        fmt::format("hosts: '{}' is not a host name (letters, digits, '-' and '.', such as "
                    "web.kukarkab.go.id)",
                    given.substr(0, 100)));
  }
  return Status::Ok();
}

// An absolute http(s) URL with a host name or address, an optional port and anything after;
// the scheme and host lower-cased.
Status CheckUrl(std::string& url) {
  const std::string given = url.substr(0, 200);
  auto bad = [&](std::string_view why) {
    return InvalidArgument(fmt::format("urls: '{}' {}", given, why));
  };
  if (url.size() > kMaxUrl) return bad(fmt::format("is longer than {} characters", kMaxUrl));
  if (HasControl(url) || url.find(' ') != std::string::npos) return bad("holds spaces or controls");
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return bad("is not an absolute URL: write it with http:// or https://");
  }
  const std::string scheme = Lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return bad("is not an http:// or https:// URL");
  }
  const size_t host_start = scheme_end + 3;
  const size_t host_end = url.find_first_of("/?#", host_start);
  std::string authority =
      url.substr(host_start, (host_end == std::string::npos ? url.size() : host_end) - host_start);
  if (authority.find('@') != std::string::npos) return bad("holds a user name or password");
  std::string host = authority, port;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string::npos) return bad("has an IPv6 address without its ']'");
    host = authority.substr(1, close - 1);
    const std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("has text after its IPv6 address");
      port = after.substr(1);
    }
    auto r = ParseIpRange(host);
    if (!r.ok() || !r->v6 || host.find('/') != std::string::npos) {
      return bad("has no valid IPv6 address between [ and ]");
    }
    host = "[" + FormatIpRange(*r) + "]";
  } else {
    if (const size_t colon = authority.find(':'); colon != std::string::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (host.empty()) return bad("has no host");
    if (!IsAddress(host) && !NormaliseHostName(host)) return bad("has no valid host name");
  }
  if (!port.empty() || authority.ends_with(':')) {
    int p = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || p < 1 ||
        p > 65535) {
      return bad("has a port that is not 1 to 65535");
    }
    host += ":" + port;
  }
  url = scheme + "://" + host + (host_end == std::string::npos ? "" : url.substr(host_end));
  return Status::Ok();
}

Status CheckEmail(std::string& email) {
  const std::string given = email.substr(0, 100);
  const size_t at = email.rfind('@');
  if (at == std::string::npos || at == 0 || at > 64 || email.size() > 254 ||
      email.find_first_of(" ,;<>\"") != std::string::npos || HasControl(email)) {
    return InvalidArgument(
        fmt::format("operator.emails: '{}' is not an e-mail address (name@domain)", given));
  }
  std::string domain = email.substr(at + 1);
  if (!NormaliseHostName(domain) || domain.find('.') == std::string::npos) {
    return InvalidArgument(fmt::format(
        "operator.emails: '{}' has no valid domain after '@' (such as kukarkab.go.id)", given));
  }
  // Lower-cased whole: mail systems treat the local part so in practice, and a list then holds
  // each address once.
  email = Lower(email.substr(0, at + 1)) + domain;
  return Status::Ok();
}

Status CheckPhone(const std::string& phone) {
  size_t digits = 0;
  for (size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (!(c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' ||
                 (c == '+' && i == 0))) {
      return InvalidArgument(fmt::format(
          "operator.phones: '{}' is not a phone number (digits, spaces, '-', '(', ')', and '+' "
          "first)",
          phone.substr(0, 100)));
    }
  }
  if (digits < 5 || digits > 15) {
    return InvalidArgument(fmt::format("operator.phones: '{}' has {} digits, not 5 to 15",
                                       phone.substr(0, 100), digits));
  }
  return Status::Ok();
}

// Trims the items, drops empty ones and repeats, checks each with `check` (which may rewrite it).
template <typename Check>
Status CheckList(std::string_view field, std::vector<std::string>& items, Check check) {
  std::vector<std::string> out;
  for (const std::string& raw : items) {
    std::string item = Trimmed(raw);
    if (item.empty()) continue;
    if (item.find(';') != std::string::npos) {
      return InvalidArgument(fmt::format(
          "{}: '{}' holds ';', which separates the items of a list in CSV: give them as "
          "separate items",
          field, item.substr(0, 100)));
    }
    RETURN_IF_ERROR(check(item));
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
  }
  if (out.size() > kMaxItems) {
    return InvalidArgument(fmt::format("{}: at most {} items", field, kMaxItems));
  }
  items = std::move(out);
  return Status::Ok();
}

Status CheckName(std::string_view field, const std::string& value,
                 std::span<const std::string_view> names) {
  if (std::find(names.begin(), names.end(), value) != names.end()) return Status::Ok();
  return InvalidArgument(
      fmt::format("{}: '{}' is not one of {}", field, value.substr(0, 100), OneOf(names)));
}

nlohmann::json OperatorJson(const SystemOperator& o) {
  return {{"agency", o.agency}, {"head_name", o.head_name}, {"head_title", o.head_title},
          {"emails", o.emails}, {"phones", o.phones},       {"chat", o.chat}};
}

nlohmann::json TechnologyJson(const SystemTechnology& t) {
  return {{"cms", t.cms}, {"cms_version", t.cms_version}, {"server", t.server}};
}

// The fields a person sets, as the audit trail records them.
nlohmann::json FieldsJson(const ElectronicSystem& s) {
  return {{"name", s.name},
          {"operator", OperatorJson(s.op)},
          {"urls", s.urls},
          {"hosts", s.hosts},
          {"ips", s.ips},
          {"technology", TechnologyJson(s.technology)},
          {"criticality", s.criticality},
          {"status", s.status},
          {"check_interval_s", s.check_interval_s},
          {"crawl_pages", s.crawl_pages},
          {"public_status", s.public_status}};
}

std::vector<std::string> ListOf(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string TextOf(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<std::vector<std::string>> JsonStringList(const std::string& key, const nlohmann::json& v) {
  if (!v.is_array()) return InvalidArgument(key + ": expected a list of strings");
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.is_string()) return InvalidArgument(key + ": expected a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::string> JsonText(const std::string& key, const nlohmann::json& v) {
  if (v.is_null()) return std::string();
  if (!v.is_string()) return InvalidArgument(key + ": expected a string");
  return v.get<std::string>();
}

Result<int64_t> ParseId(std::string_view id) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (id.empty() || ec != std::errc() || end != id.data() + id.size() || v <= 0) {
    return NotFound(fmt::format("no system '{}' in the registry", id.substr(0, 100)));
  }
  return v;
}

constexpr std::string_view kSelect =
    "SELECT id, name, operator, urls, hosts, ips, technology, criticality, status, "
    "check_interval_s, created_by, created, updated_by, updated, crawl_pages, public_status FROM "
    "systems";

ElectronicSystem SystemOf(const sqlite::Stmt& s) {
  ElectronicSystem e;
  e.id = std::to_string(s.Int(0));
  e.name = s.Text(1);
  const nlohmann::json op = nlohmann::json::parse(s.Text(2), nullptr, false);
  if (op.is_object()) {
    e.op.agency = TextOf(op, "agency");
    e.op.head_name = TextOf(op, "head_name");
    e.op.head_title = TextOf(op, "head_title");
    e.op.emails = ListOf(op, "emails");
    e.op.phones = ListOf(op, "phones");
    e.op.chat = ListOf(op, "chat");
  }
  const nlohmann::json lists =
      nlohmann::json::object({{"urls", nlohmann::json::parse(s.Text(3), nullptr, false)},
                              {"hosts", nlohmann::json::parse(s.Text(4), nullptr, false)},
                              {"ips", nlohmann::json::parse(s.Text(5), nullptr, false)}});
  e.urls = ListOf(lists, "urls");
  e.hosts = ListOf(lists, "hosts");
  e.ips = ListOf(lists, "ips");
  const nlohmann::json tech = nlohmann::json::parse(s.Text(6), nullptr, false);
  if (tech.is_object()) {
    e.technology.cms = TextOf(tech, "cms");
    e.technology.cms_version = TextOf(tech, "cms_version");
    e.technology.server = TextOf(tech, "server");
  }
  e.criticality = s.Text(7);
  e.status = s.Text(8);
  e.check_interval_s = s.Int(9);
  e.created_by = s.Text(10);
  e.created = s.Int(11);
  e.updated_by = s.Text(12);
  e.updated = s.Int(13);
  e.crawl_pages = s.Int(14);
  e.public_status = s.Int(15) != 0;
  return e;
}

std::string AuditObject(int64_t id) { return fmt::format("system:{}", id); }

// The items of a list cell: separated by ';' or line breaks.
std::vector<std::string> SplitCell(std::string_view cell) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= cell.size()) {
    size_t end = cell.find_first_of(";\n", start);
    if (end == std::string_view::npos) end = cell.size();
    std::string item = Trimmed(cell.substr(start, end - start));
    if (!item.empty()) out.push_back(std::move(item));
    start = end + 1;
  }
  return out;
}

std::string JoinCell(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += "; ";
    out += item;
  }
  return out;
}

}  // namespace

std::string_view SystemsCsvHeader() {
  static const std::string kHeader = [] {
    std::string h;
    for (std::string_view c : kCsvColumns) {
      if (!h.empty()) h += ',';
      h += c;
    }
    return h;
  }();
  return kHeader;
}

std::string ElectronicSystem::ToJson() const {
  nlohmann::json j = FieldsJson(*this);
  j["id"] = id;
  j["created_by"] = created_by;
  j["created"] = FormatRfc3339(created);
  j["updated_by"] = updated_by;
  j["updated"] = FormatRfc3339(updated);
  return JsonText(j);
}

Result<ElectronicSystem> NormaliseSystem(ElectronicSystem s) {
  RETURN_IF_ERROR(CheckText("name", s.name, true));
  RETURN_IF_ERROR(CheckText("operator.agency", s.op.agency, true));
  RETURN_IF_ERROR(CheckText("operator.head_name", s.op.head_name, false));
  RETURN_IF_ERROR(CheckText("operator.head_title", s.op.head_title, false));
  RETURN_IF_ERROR(CheckList("operator.emails", s.op.emails, CheckEmail));
  RETURN_IF_ERROR(CheckList("operator.phones", s.op.phones, CheckPhone));
  RETURN_IF_ERROR(CheckList("operator.chat", s.op.chat, [](std::string& item) {
    return CheckText("operator.chat", item, true);
  }));
  RETURN_IF_ERROR(CheckList("urls", s.urls, CheckUrl));
  RETURN_IF_ERROR(CheckList("hosts", s.hosts, CheckHost));
  RETURN_IF_ERROR(CheckList("ips", s.ips, [](std::string& item) -> Status {
    auto r = ParseIpRange(item);
    if (!r.ok()) return InvalidArgument("ips: " + r.status().message());
    if (r->prefix < (r->v6 ? kMinPrefixV6 : kMinPrefixV4)) {
      return InvalidArgument(
          fmt::format("ips: '{}' is too broad for one system (at least /{} for IPv{})", item,
                      r->v6 ? kMinPrefixV6 : kMinPrefixV4, r->v6 ? 6 : 4));
    }
    item = FormatIpRange(*r);
    return Status::Ok();
  }));
  RETURN_IF_ERROR(CheckText("technology.cms", s.technology.cms, false));
  RETURN_IF_ERROR(CheckText("technology.cms_version", s.technology.cms_version, false));
  RETURN_IF_ERROR(CheckText("technology.server", s.technology.server, false));
  s.criticality = Trimmed(s.criticality);
  s.status = Trimmed(s.status);
  RETURN_IF_ERROR(CheckName("criticality", s.criticality, kCriticalities));
  RETURN_IF_ERROR(CheckName("status", s.status, kStatuses));
  if (s.check_interval_s < kMinCheckIntervalS || s.check_interval_s > kMaxCheckIntervalS) {
    return InvalidArgument(fmt::format("check_interval_s: {} is not {} to {} seconds",
                                       s.check_interval_s, kMinCheckIntervalS, kMaxCheckIntervalS));
  }
  if (s.crawl_pages < 0 || s.crawl_pages > kMaxCrawlPages) {
    return InvalidArgument(
        fmt::format("crawl_pages: {} is not 0 to {} pages", s.crawl_pages, kMaxCrawlPages));
  }
  return s;
}

Result<ElectronicSystem> SystemFromJson(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return InvalidArgument("body: expected a JSON object");
  ElectronicSystem s;
  bool has_name = false, has_operator = false;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    const nlohmann::json& v = item.value();
    if (key == "name") {
      ASSIGN_OR_RETURN(s.name, JsonText(key, v));
      has_name = true;
    } else if (key == "operator") {
      if (!v.is_object()) return InvalidArgument("operator: expected an object");
      has_operator = true;
      for (const auto& member : v.items()) {
        const std::string name = "operator." + member.key();
        const nlohmann::json& m = member.value();
        if (member.key() == "agency") {
          ASSIGN_OR_RETURN(s.op.agency, JsonText(name, m));
        } else if (member.key() == "head_name") {
          ASSIGN_OR_RETURN(s.op.head_name, JsonText(name, m));
        } else if (member.key() == "head_title") {
          ASSIGN_OR_RETURN(s.op.head_title, JsonText(name, m));
        } else if (member.key() == "emails") {
          ASSIGN_OR_RETURN(s.op.emails, JsonStringList(name, m));
        } else if (member.key() == "phones") {
          ASSIGN_OR_RETURN(s.op.phones, JsonStringList(name, m));
        } else if (member.key() == "chat") {
          ASSIGN_OR_RETURN(s.op.chat, JsonStringList(name, m));
        } else {
          return InvalidArgument(fmt::format(
              "operator: unknown member '{}' (agency, head_name, head_title, emails, phones, "
              "chat)",
              member.key().substr(0, 100)));
        }
      }
    } else if (key == "urls") {
      ASSIGN_OR_RETURN(s.urls, JsonStringList(key, v));
    } else if (key == "hosts") {
      ASSIGN_OR_RETURN(s.hosts, JsonStringList(key, v));
    } else if (key == "ips") {
      ASSIGN_OR_RETURN(s.ips, JsonStringList(key, v));
    } else if (key == "technology") {
      if (!v.is_object()) return InvalidArgument("technology: expected an object");
      for (const auto& member : v.items()) {
        const std::string name = "technology." + member.key();
        if (member.key() == "cms") {
          ASSIGN_OR_RETURN(s.technology.cms, JsonText(name, member.value()));
        } else if (member.key() == "cms_version") {
          ASSIGN_OR_RETURN(s.technology.cms_version, JsonText(name, member.value()));
        } else if (member.key() == "server") {
          ASSIGN_OR_RETURN(s.technology.server, JsonText(name, member.value()));
        } else {
          return InvalidArgument(
              fmt::format("technology: unknown member '{}' (cms, cms_version, server)",
                          member.key().substr(0, 100)));
        }
      }
    } else if (key == "criticality") {
      ASSIGN_OR_RETURN(s.criticality, JsonText(key, v));
      if (s.criticality.empty()) s.criticality = "medium";
    } else if (key == "status") {
      ASSIGN_OR_RETURN(s.status, JsonText(key, v));
      if (s.status.empty()) s.status = "active";
    } else if (key == "check_interval_s") {
      if (v.is_null()) continue;
      if (!v.is_number_integer()) {
        return InvalidArgument("check_interval_s: expected a whole number of seconds");
      }
      s.check_interval_s = v.get<int64_t>();
    } else if (key == "crawl_pages") {
      if (v.is_null()) continue;
      if (!v.is_number_integer()) return InvalidArgument("crawl_pages: expected a whole number");
      s.crawl_pages = v.get<int64_t>();
    } else if (key == "public_status") {
      if (v.is_null()) continue;
      if (!v.is_boolean()) return InvalidArgument("public_status: expected true or false");
      s.public_status = v.get<bool>();
    } else if (key == "id" || key == "created" || key == "created_by" || key == "updated" ||
               key == "updated_by") {
      continue;  // what the server sets; a client may send back what it was given
    } else {
      return InvalidArgument(fmt::format("body: unknown member '{}'", key.substr(0, 100)));
    }
  }
  if (!has_name) return InvalidArgument("name: required");
  if (!has_operator) return InvalidArgument("operator.agency: required");
  return s;
}

Result<std::unique_ptr<SystemRegistry>> SystemRegistry::Open(const std::string& data_dir,
                                                             const Clock& clock) {
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  std::unique_ptr<SystemRegistry> r(new SystemRegistry(std::move(db), clock));
  std::lock_guard lock(r->mu_);
  RETURN_IF_ERROR(r->RebuildMatcherLocked());
  return r;
}

Result<std::vector<ElectronicSystem>> SystemRegistry::ListLocked() {
  std::vector<ElectronicSystem> out;
  ASSIGN_OR_RETURN(sqlite::Stmt st, db_.Prepare(std::string(kSelect) + " ORDER BY name, id"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(SystemOf(st));
  }
  return out;
}

Result<std::vector<ElectronicSystem>> SystemRegistry::List() {
  std::lock_guard lock(mu_);
  return ListLocked();
}

Result<ElectronicSystem> SystemRegistry::GetLocked(int64_t id) {
  ASSIGN_OR_RETURN(sqlite::Stmt st, db_.Prepare(std::string(kSelect) + " WHERE id = ?"));
  st.BindInt(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(fmt::format("no system '{}' in the registry", id));
  return SystemOf(st);
}

Result<ElectronicSystem> SystemRegistry::Get(std::string_view id) {
  ASSIGN_OR_RETURN(int64_t n, ParseId(id));
  std::lock_guard lock(mu_);
  return GetLocked(n);
}

Result<int64_t> SystemRegistry::SaveLocked(int64_t id, ElectronicSystem input, const Actor& actor,
                                           TimeNs now, std::string_view via) {
  ASSIGN_OR_RETURN(ElectronicSystem s, NormaliseSystem(std::move(input)));
  std::optional<ElectronicSystem> before;
  if (id > 0) {
    ASSIGN_OR_RETURN(before, GetLocked(id));
  }
  // What another system already has: its name always; its host names and addresses while it is
  // in service, since the matcher could then not tell the two apart.
  {
    ASSIGN_OR_RETURN(sqlite::Stmt other, db_.Prepare("SELECT id FROM systems WHERE name = ? AND "
                                                     "id != ?"));
    other.BindText(1, s.name);
    other.BindInt(2, id);
    ASSIGN_OR_RETURN(bool row, other.Step());
    if (row) {
      return AlreadyExists(
          fmt::format("name: '{}' is already the name of system {}", s.name, other.Int(0)));
    }
  }
  if (s.status != "retired") {
    auto check = [&](std::string_view field, const std::vector<std::string>& items) -> Status {
      ASSIGN_OR_RETURN(
          sqlite::Stmt taken,
          db_.Prepare(fmt::format("SELECT s.id, s.name FROM systems s, json_each(s.{}) "
                                  "j WHERE s.id != ? AND s.status != 'retired' AND "
                                  "j.value = ? LIMIT 1",
                                  field)));
      for (const std::string& item : items) {
        taken.Reset();
        taken.BindInt(1, id);
        taken.BindText(2, item);
        ASSIGN_OR_RETURN(bool row, taken.Step());
        if (row) {
          return AlreadyExists(fmt::format("{}: '{}' is already registered to system {} ({})",
                                           field, item, taken.Int(0), taken.Text(1)));
        }
      }
      return Status::Ok();
    };
    RETURN_IF_ERROR(check("hosts", s.hosts));
    RETURN_IF_ERROR(check("ips", s.ips));
  }
  const nlohmann::json fields = FieldsJson(s);
  const std::string op = JsonText(fields["operator"]), urls = JsonText(fields["urls"]),
                    hosts = JsonText(fields["hosts"]), ips = JsonText(fields["ips"]),
                    tech = JsonText(fields["technology"]);
  // What a person sets, parameters 1 to 9 of the insert and of the update alike.
  auto bind_fields = [&](sqlite::Stmt& st) {
    st.BindText(1, s.name);
    st.BindText(2, op);
    st.BindText(3, urls);
    st.BindText(4, hosts);
    st.BindText(5, ips);
    st.BindText(6, tech);
    st.BindText(7, s.criticality);
    st.BindText(8, s.status);
    st.BindInt(9, s.check_interval_s);
    st.BindInt(14, s.crawl_pages);
    st.BindInt(15, s.public_status ? 1 : 0);
  };
  if (id == 0) {
    ASSIGN_OR_RETURN(
        sqlite::Stmt ins,
        db_.Prepare("INSERT INTO systems(name, operator, urls, hosts, ips, technology, "
                    "criticality, status, check_interval_s, created_by, created, updated_by, "
                    "updated, crawl_pages, public_status) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?) RETURNING id"));
    bind_fields(ins);
    ins.BindText(10, actor.name);
    ins.BindInt(11, now);
    ins.BindText(12, actor.name);
    ins.BindInt(13, now);
    ASSIGN_OR_RETURN(bool row, ins.Step());
    if (!row) return Internal("the system was not stored");
    id = ins.Int(0);
    ins.Reset();
    nlohmann::json details = {{"name", s.name}, {"role", RoleName(actor.role)}, {"fields", fields}};
    if (!via.empty()) details["via"] = via;
    RETURN_IF_ERROR(
        AppendAudit(db_, now, actor.name, "system.create", AuditObject(id), JsonText(details))
            .status());
    return id;
  }
  const nlohmann::json from = FieldsJson(*before);
  nlohmann::json changes = nlohmann::json::object();
  for (const auto& [key, value] : fields.items()) {
    if (from[key] != value) changes[key] = {{"from", from[key]}, {"to", value}};
  }
  if (changes.empty()) return id;  // nothing changed: no write, no entry
  ASSIGN_OR_RETURN(
      sqlite::Stmt up,
      db_.Prepare("UPDATE systems SET name = ?, operator = ?, urls = ?, hosts = ?, ips = ?, "
                  "technology = ?, criticality = ?, status = ?, check_interval_s = ?, "
                  "updated_by = ?, updated = ?, crawl_pages = ?14, public_status = ?15 WHERE id = "
                  "?12"));
  bind_fields(up);
  up.BindText(10, actor.name);
  up.BindInt(11, now);
  up.BindInt(12, id);
  RETURN_IF_ERROR(up.Run());
  nlohmann::json details = {{"name", s.name}, {"role", RoleName(actor.role)}, {"changes", changes}};
  if (!via.empty()) details["via"] = via;
  RETURN_IF_ERROR(
      AppendAudit(db_, now, actor.name, "system.update", AuditObject(id), JsonText(details))
          .status());
  return id;
}

Result<ElectronicSystem> SystemRegistry::Create(const ElectronicSystem& system,
                                                const Actor& actor) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  Result<int64_t> id = SaveLocked(0, system, actor, clock_.Now(), "");
  Status s = id.ok() ? db_.Exec("COMMIT") : id.status();
  if (!s.ok()) {
    (void)db_.Exec("ROLLBACK");
    return s;
  }
  RETURN_IF_ERROR(RebuildMatcherLocked());
  return GetLocked(*id);
}

Result<ElectronicSystem> SystemRegistry::Update(std::string_view id, const ElectronicSystem& system,
                                                const Actor& actor) {
  ASSIGN_OR_RETURN(int64_t n, ParseId(id));
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  Result<int64_t> saved = SaveLocked(n, system, actor, clock_.Now(), "");
  Status s = saved.ok() ? db_.Exec("COMMIT") : saved.status();
  if (!s.ok()) {
    (void)db_.Exec("ROLLBACK");
    return s;
  }
  RETURN_IF_ERROR(RebuildMatcherLocked());
  return GetLocked(n);
}

Status SystemRegistry::Delete(std::string_view id, const Actor& actor) {
  ASSIGN_OR_RETURN(int64_t n, ParseId(id));
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  auto work = [&]() -> Status {
    ASSIGN_OR_RETURN(ElectronicSystem s, GetLocked(n));
    {
      ASSIGN_OR_RETURN(sqlite::Stmt linked,
                       db_.Prepare("SELECT c.number FROM cases c, json_each(c.system_ids) j "
                                   "WHERE j.value = ? ORDER BY c.id LIMIT 1"));
      linked.BindText(1, s.id);
      ASSIGN_OR_RETURN(bool row, linked.Step());
      if (row) {
        return FailedPrecondition(fmt::format(
            "system {} ({}) is linked to case {}, which must keep it: set its status to retired "
            "instead",
            s.id, s.name, linked.Text(0)));
      }
    }
    ASSIGN_OR_RETURN(sqlite::Stmt alerts,
                     db_.Prepare("UPDATE alerts SET system_id = NULL WHERE system_id = ?"));
    alerts.BindText(1, s.id);
    RETURN_IF_ERROR(alerts.Run());
    ASSIGN_OR_RETURN(sqlite::Stmt del, db_.Prepare("DELETE FROM systems WHERE id = ?"));
    del.BindInt(1, n);
    RETURN_IF_ERROR(del.Run());
    const nlohmann::json details = {
        {"name", s.name}, {"role", RoleName(actor.role)}, {"fields", FieldsJson(s)}};
    return AppendAudit(db_, clock_.Now(), actor.name, "system.delete", AuditObject(n),
                       JsonText(details))
        .status();
  };
  Status s = work();
  if (s.ok()) s = db_.Exec("COMMIT");
  if (!s.ok()) {
    (void)db_.Exec("ROLLBACK");
    return s;
  }
  return RebuildMatcherLocked();
}

Status SystemRegistry::RebuildMatcherLocked() {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare(std::string(kSelect) + " WHERE status != 'retired' ORDER BY id"));
  std::vector<SystemMatcher::Entry> entries;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ElectronicSystem s = SystemOf(st);
    SystemMatcher::Entry e{s.id, s.hosts, s.urls, {}};
    for (const std::string& ip : s.ips) {
      if (auto r = ParseIpRange(ip); r.ok()) e.ips.push_back(*r);
    }
    entries.push_back(std::move(e));
  }
  auto matcher = std::make_shared<const SystemMatcher>(entries);
  std::lock_guard lock(matcher_mu_);
  matcher_ = std::move(matcher);
  return Status::Ok();
}

std::shared_ptr<const SystemMatcher> SystemRegistry::Matcher() const {
  std::lock_guard lock(matcher_mu_);
  return matcher_;
}

Result<std::string> SystemRegistry::ExportCsv() {
  ASSIGN_OR_RETURN(std::vector<ElectronicSystem> systems, List());
  std::string out(SystemsCsvHeader());
  out += "\r\n";
  for (const ElectronicSystem& s : systems) {
    const std::string cells[] = {s.id,
                                 s.name,
                                 s.op.agency,
                                 s.op.head_name,
                                 s.op.head_title,
                                 JoinCell(s.op.emails),
                                 JoinCell(s.op.phones),
                                 JoinCell(s.op.chat),
                                 JoinCell(s.urls),
                                 JoinCell(s.hosts),
                                 JoinCell(s.ips),
                                 s.technology.cms,
                                 s.technology.cms_version,
                                 s.technology.server,
                                 s.criticality,
                                 s.status,
                                 std::to_string(s.check_interval_s),
                                 std::to_string(s.crawl_pages),
                                 s.public_status ? "yes" : "no"};
    static_assert(std::size(cells) == std::size(kCsvColumns));
    for (size_t i = 0; i < std::size(cells); ++i) {
      if (i > 0) out += ',';
      AppendCsvCell(out, cells[i]);
    }
    out += "\r\n";
  }
  return out;
}

Result<ImportResult> SystemRegistry::ImportCsv(std::string_view csv, const Actor& actor) {
  ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsv(csv, kMaxImportLines + 1));
  if (records.empty()) return InvalidArgument("line 1: the file is empty: a header row is needed");
  // Which column holds what.
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < records[0].cells.size(); ++i) {
    const std::string name = Lower(Trimmed(records[0].cells[i]));
    if (std::find(std::begin(kCsvColumns), std::end(kCsvColumns), name) == std::end(kCsvColumns)) {
      return InvalidArgument(fmt::format("line {}: unknown column '{}' (the columns are {})",
                                         records[0].line, name.substr(0, 100), SystemsCsvHeader()));
    }
    if (!column.emplace(name, i).second) {
      return InvalidArgument(
          fmt::format("line {}: the column '{}' is named twice", records[0].line, name));
    }
  }
  for (const char* needed : {"name", "agency"}) {
    if (!column.count(needed)) {
      return InvalidArgument(
          fmt::format("line {}: the header has no '{}' column", records[0].line, needed));
    }
  }

  ImportResult result;
  std::map<std::string, int64_t> names_seen;  // lower-cased name -> line
  std::map<int64_t, int64_t> ids_seen;        // system -> line
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  const TimeNs now = clock_.Now();
  for (size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    auto problem = [&](std::string message) {
      result.problems.push_back({rec.line, std::move(message)});
    };
    if (rec.cells.size() > records[0].cells.size()) {
      problem(fmt::format("{} cells, but the header names {} columns", rec.cells.size(),
                          records[0].cells.size()));
      continue;
    }
    auto cell = [&](const char* name) -> std::optional<std::string> {
      auto it = column.find(name);
      if (it == column.end()) return std::nullopt;
      return it->second < rec.cells.size() ? UnescapeCsvFormula(rec.cells[it->second])
                                           : std::string();
    };
    // The system the line is about: by id, else by name, else a new one.
    int64_t id = 0;
    ElectronicSystem s;
    Status found = [&]() -> Status {
      if (auto given = cell("id"); given && !Trimmed(*given).empty()) {
        auto existing = ParseId(Trimmed(*given));
        if (existing.ok()) id = *existing;
        auto stored = existing.ok() ? GetLocked(id) : Result<ElectronicSystem>(existing.status());
        if (!stored.ok()) {
          return stored.status().code() == StatusCode::kNotFound
                     ? InvalidArgument(fmt::format("id: {} (leave id empty to add a new system)",
                                                   stored.status().message()))
                     : stored.status();
        }
        s = std::move(*stored);
        return Status::Ok();
      }
      ASSIGN_OR_RETURN(sqlite::Stmt by_name, db_.Prepare(std::string(kSelect) + " WHERE name = ?"));
      by_name.BindText(1, Trimmed(cell("name").value_or("")));
      ASSIGN_OR_RETURN(bool row, by_name.Step());
      if (row) {
        s = SystemOf(by_name);
        id = std::stoll(s.id);
      }
      return Status::Ok();
    }();
    if (!found.ok()) {
      if (found.code() != StatusCode::kInvalidArgument) {
        (void)db_.Exec("ROLLBACK");
        return found;
      }
      problem(found.message());
      continue;
    }
    auto text = [&](const char* name, std::string& field) {
      if (auto v = cell(name)) field = *v;
    };
    auto list = [&](const char* name, std::vector<std::string>& field) {
      if (auto v = cell(name)) field = SplitCell(*v);
    };
    auto keep_if_empty = [&](const char* name, std::string& field) {
      if (auto v = cell(name); v && !Trimmed(*v).empty()) field = Trimmed(*v);
    };
    text("name", s.name);
    text("agency", s.op.agency);
    text("head_name", s.op.head_name);
    text("head_title", s.op.head_title);
    list("emails", s.op.emails);
    list("phones", s.op.phones);
    list("chat", s.op.chat);
    list("urls", s.urls);
    list("hosts", s.hosts);
    list("ips", s.ips);
    text("cms", s.technology.cms);
    text("cms_version", s.technology.cms_version);
    text("server", s.technology.server);
    keep_if_empty("criticality", s.criticality);
    keep_if_empty("status", s.status);
    if (auto v = cell("check_interval_s"); v && !Trimmed(*v).empty()) {
      const std::string t = Trimmed(*v);
      int64_t seconds = 0;
      const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), seconds);
      if (ec != std::errc() || end != t.data() + t.size()) {
        problem(fmt::format("check_interval_s: '{}' is not a whole number of seconds",
                            t.substr(0, 100)));
        continue;
      }
      s.check_interval_s = seconds;
    }
    if (auto v = cell("crawl_pages"); v && !Trimmed(*v).empty()) {
      const std::string t = Trimmed(*v);
      int64_t pages = 0;
      const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), pages);
      if (ec != std::errc() || end != t.data() + t.size()) {
        problem(fmt::format("crawl_pages: '{}' is not a whole number", t.substr(0, 100)));
        continue;
      }
      s.crawl_pages = pages;
    }
    if (auto v = cell("public_status"); v && !Trimmed(*v).empty()) {
      const std::string t = Lower(Trimmed(*v));
      if (t != "yes" && t != "no" && t != "true" && t != "false") {
        problem(fmt::format("public_status: '{}' is not yes or no", t.substr(0, 100)));
        continue;
      }
      s.public_status = t == "yes" || t == "true";
    }
    if (auto [it, fresh] = names_seen.emplace(Lower(Trimmed(s.name)), rec.line); !fresh) {
      problem(fmt::format("name: '{}' is on line {} too", Trimmed(s.name), it->second));
      continue;
    }
    if (id > 0) {
      if (auto [it, fresh] = ids_seen.emplace(id, rec.line); !fresh) {
        problem(fmt::format("id: system {} is on line {} too", id, it->second));
        continue;
      }
    }
    const bool fresh = id == 0;
    Result<int64_t> saved = SaveLocked(id, std::move(s), actor, now, "csv import");
    if (!saved.ok()) {
      if (saved.status().code() != StatusCode::kInvalidArgument &&
          saved.status().code() != StatusCode::kAlreadyExists) {
        (void)db_.Exec("ROLLBACK");
        return saved.status();
      }
      problem(saved.status().message());
      continue;
    }
    auto stored = GetLocked(*saved);
    if (!stored.ok()) {
      (void)db_.Exec("ROLLBACK");
      return stored.status();
    }
    (fresh ? result.created : result.updated).push_back(std::move(*stored));
  }
  Status s = result.problems.empty() ? db_.Exec("COMMIT") : db_.Exec("ROLLBACK");
  if (!s.ok()) {
    (void)db_.Exec("ROLLBACK");
    return s;
  }
  if (!result.problems.empty()) {
    result.created.clear();
    result.updated.clear();
    return result;
  }
  RETURN_IF_ERROR(RebuildMatcherLocked());
  return result;
}

}  // namespace pantau
