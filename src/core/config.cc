#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

namespace pantau {

std::string ListenAddress::ToString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Result<ListenAddress> ParseListenAddress(std::string_view text, std::string_view what) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument(std::string(what) + ": '" + std::string(text) + "' " + std::string(why) +
                           " (expected ADDR:PORT, e.g. 127.0.0.1:5514)");
  };
  ListenAddress a;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad("has an unclosed [ or no port");
    }
    a.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("has no port");
    a.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    if (a.host.find(':') != std::string::npos) return bad("needs brackets around an IPv6 address");
  }
  if (a.host.empty()) return bad("has no address");
  unsigned value = 0;
  auto r = std::from_chars(port.data(), port.data() + port.size(), value);
  if (r.ec != std::errc() || r.ptr != port.data() + port.size() || value > 65535) {
    return bad("has an invalid port");
  }
  a.port = static_cast<uint16_t>(value);
  return a;
}

namespace {

// Walks a YAML mapping and rejects keys it does not know, naming file, line and key.
class ConfigReader {
 public:
  explicit ConfigReader(std::string_view source) : source_(source) {}

  Status Read(const YAML::Node& root, Config& c) {
    if (root.IsNull()) return Status::Ok();
    if (!root.IsMap()) return Error(root, "", "the file must be a mapping of settings");
    RETURN_IF_ERROR(
        Known(root, "",
              {"data", "http", "syslog", "ingest", "search", "detection", "cases", "documents",
               "notify", "store", "monitor", "scan", "anomaly", "templates"}));
    if (auto n = root["anomaly"]) {
      c.anomaly.clear();
      RETURN_IF_ERROR(Flatten(n, {"anomaly"}, c.anomaly));
    }
    if (auto n = root["notify"]) RETURN_IF_ERROR(ReadNotify(n, c.notify));
    if (auto n = root["detection"]) {
      RETURN_IF_ERROR(
          Known(n, "detection.",
                {"builtin_rules", "rules", "logsources", "placeholders", "group_window_s"}));
      RETURN_IF_ERROR(
          Bool(n["builtin_rules"], "detection.builtin_rules", c.detection.builtin_rules));
      RETURN_IF_ERROR(Strings(n["rules"], "detection.rules", c.detection.rules));
      RETURN_IF_ERROR(Strings(n["logsources"], "detection.logsources", c.detection.logsources));
      RETURN_IF_ERROR(
          String(n["placeholders"], "detection.placeholders", c.detection.placeholders));
      RETURN_IF_ERROR(Number(n["group_window_s"], "detection.group_window_s", 1, 86400 * 30,
                             c.detection.group_window_s));
    }
    if (auto n = root["scan"]) {
      RETURN_IF_ERROR(
          Known(n, "scan.", {"yara_rules_dir", "clamav_db_dir", "max_bytes", "timeout_s"}));
      RETURN_IF_ERROR(String(n["yara_rules_dir"], "scan.yara_rules_dir", c.scan.yara_rules_dir));
      RETURN_IF_ERROR(String(n["clamav_db_dir"], "scan.clamav_db_dir", c.scan.clamav_db_dir));
      RETURN_IF_ERROR(
          Number(n["max_bytes"], "scan.max_bytes", 1024, int64_t{1} << 32, c.scan.max_bytes));
      RETURN_IF_ERROR(Number(n["timeout_s"], "scan.timeout_s", 1, 3600, c.scan.timeout_s));
    }
    if (auto n = root["monitor"]) {
      RETURN_IF_ERROR(
          Known(n, "monitor.",
                {"enabled", "terms_file", "max_parallel", "request_timeout_s", "max_page_bytes",
                 "down_after_failures", "cert_warn_days", "min_text_similarity_pct",
                 "min_cloak_similarity_pct", "ca_file", "screenshot_browser",
                 "screenshot_timeout_s", "screenshots_per_cycle"}));
      Config::Monitor& m = c.monitor;
      RETURN_IF_ERROR(Bool(n["enabled"], "monitor.enabled", m.enabled));
      RETURN_IF_ERROR(String(n["terms_file"], "monitor.terms_file", m.terms_file));
      RETURN_IF_ERROR(String(n["ca_file"], "monitor.ca_file", m.ca_file));
      RETURN_IF_ERROR(Number(n["max_parallel"], "monitor.max_parallel", 1, 64, m.max_parallel));
      RETURN_IF_ERROR(
          Number(n["request_timeout_s"], "monitor.request_timeout_s", 1, 300, m.request_timeout_s));
      RETURN_IF_ERROR(Number(n["max_page_bytes"], "monitor.max_page_bytes", 4096, size_t{64} << 20,
                             m.max_page_bytes));
      RETURN_IF_ERROR(Number(n["down_after_failures"], "monitor.down_after_failures", 1, 100,
                             m.down_after_failures));
      RETURN_IF_ERROR(
          Number(n["cert_warn_days"], "monitor.cert_warn_days", 0, 365, m.cert_warn_days));
      RETURN_IF_ERROR(Number(n["min_text_similarity_pct"], "monitor.min_text_similarity_pct", 0,
                             100, m.min_text_similarity_pct));
      RETURN_IF_ERROR(Number(n["min_cloak_similarity_pct"], "monitor.min_cloak_similarity_pct", 0,
                             100, m.min_cloak_similarity_pct));
      RETURN_IF_ERROR(
          String(n["screenshot_browser"], "monitor.screenshot_browser", m.screenshot_browser));
      RETURN_IF_ERROR(Number(n["screenshot_timeout_s"], "monitor.screenshot_timeout_s", 1, 120,
                             m.screenshot_timeout_s));
      RETURN_IF_ERROR(Number(n["screenshots_per_cycle"], "monitor.screenshots_per_cycle", 0, 50,
                             m.screenshots_per_cycle));
    }
    if (auto n = root["search"]) {
      RETURN_IF_ERROR(Known(n, "search.", {"timeout_s"}));
      RETURN_IF_ERROR(Number(n["timeout_s"], "search.timeout_s", 1, 3600, c.search.timeout_s));
    }
    if (auto n = root["data"]) RETURN_IF_ERROR(String(n, "data", c.data_dir));
    if (auto n = root["http"]) {
      RETURN_IF_ERROR(Known(n, "http.", {"listen", "ui_dir"}));
      RETURN_IF_ERROR(Address(n["listen"], "http.listen", c.http));
      RETURN_IF_ERROR(String(n["ui_dir"], "http.ui_dir", c.ui_dir));
    }
    if (auto s = root["syslog"]) {
      RETURN_IF_ERROR(Known(s, "syslog.",
                            {"listen", "udp", "tcp", "tls", "max_line_bytes", "frame_timeout_s",
                             "idle_timeout_s", "max_connections", "format"}));
      if (s["listen"]) {
        RETURN_IF_ERROR(Address(s["listen"], "syslog.listen", c.syslog.udp));
        c.syslog.tcp = c.syslog.udp;
      }
      RETURN_IF_ERROR(Address(s["udp"], "syslog.udp", c.syslog.udp));
      RETURN_IF_ERROR(Address(s["tcp"], "syslog.tcp", c.syslog.tcp));
      if (auto t = s["tls"]) {
        RETURN_IF_ERROR(Known(t, "syslog.tls.", {"listen", "cert", "key"}));
        RETURN_IF_ERROR(Address(t["listen"], "syslog.tls.listen", c.syslog.tls));
        RETURN_IF_ERROR(String(t["cert"], "syslog.tls.cert", c.syslog.tls_cert));
        RETURN_IF_ERROR(String(t["key"], "syslog.tls.key", c.syslog.tls_key));
        if (c.syslog.tls_cert.empty() != c.syslog.tls_key.empty()) {
          return Error(t, "syslog.tls", "needs both cert and key");
        }
        c.syslog.tls.enabled = !c.syslog.tls_cert.empty();
      }
      RETURN_IF_ERROR(Number(s["max_line_bytes"], "syslog.max_line_bytes", 256, 16 << 20,
                             c.syslog.max_line_bytes));
      RETURN_IF_ERROR(Number(s["frame_timeout_s"], "syslog.frame_timeout_s", 1, 3600,
                             c.syslog.frame_timeout_s));
      RETURN_IF_ERROR(Number(s["idle_timeout_s"], "syslog.idle_timeout_s", 1, 86400 * 7,
                             c.syslog.idle_timeout_s));
      RETURN_IF_ERROR(Number(s["max_connections"], "syslog.max_connections", 1, 100000,
                             c.syslog.max_connections));
      RETURN_IF_ERROR(String(s["format"], "syslog.format", c.syslog.format));
    }
    if (auto n = root["ingest"]) {
      RETURN_IF_ERROR(Known(n, "ingest.", {"queue_bytes", "max_body_bytes"}));
      RETURN_IF_ERROR(Number(n["queue_bytes"], "ingest.queue_bytes", 1 << 16, int64_t{1} << 36,
                             c.ingest.queue_bytes));
      RETURN_IF_ERROR(Number(n["max_body_bytes"], "ingest.max_body_bytes", 1024, size_t{1} << 32,
                             c.ingest.max_body_bytes));
    }
    if (auto n = root["cases"]) {
      RETURN_IF_ERROR(Known(n, "cases.", {"max_evidence_bytes"}));
      RETURN_IF_ERROR(Number(n["max_evidence_bytes"], "cases.max_evidence_bytes", 1024,
                             int64_t{1} << 40, c.cases.max_evidence_bytes));
    }
    if (auto n = root["documents"]) RETURN_IF_ERROR(ReadDocuments(n, c.documents));
    if (auto n = root["templates"]) {
      Config::Templates& t = c.templates;
      RETURN_IF_ERROR(Known(n, "templates.",
                            {"enabled", "max_datasets", "max_templates", "max_bytes", "max_rows"}));
      RETURN_IF_ERROR(Bool(n["enabled"], "templates.enabled", t.enabled));
      RETURN_IF_ERROR(
          Number(n["max_datasets"], "templates.max_datasets", 1, 10'000, t.max_datasets));
      RETURN_IF_ERROR(
          Number(n["max_templates"], "templates.max_templates", 10, 10'000'000, t.max_templates));
      RETURN_IF_ERROR(
          Number(n["max_bytes"], "templates.max_bytes", 1 << 20, int64_t{1} << 36, t.max_bytes));
      RETURN_IF_ERROR(Number(n["max_rows"], "templates.max_rows", 100, 100'000'000, t.max_rows));
    }
    if (auto n = root["store"]) {
      RETURN_IF_ERROR(Known(n, "store.", {"retention_days", "sync", "batch_events"}));
      RETURN_IF_ERROR(
          Number(n["retention_days"], "store.retention_days", 1, 36500, c.store.retention_days));
      RETURN_IF_ERROR(
          Number(n["batch_events"], "store.batch_events", 1, 1'000'000, c.store.batch_events));
      if (auto s = n["sync"]) {
        std::string mode;
        RETURN_IF_ERROR(String(s, "store.sync", mode));
        if (mode != "full" && mode != "normal") {
          return Error(s, "store.sync", "must be 'full' or 'normal'");
        }
        c.store.sync_full = mode == "full";
      }
    }
    return Status::Ok();
  }

 private:
  Status ReadDocuments(const YAML::Node& n, Config::Documents& d) const {
    RETURN_IF_ERROR(Known(
        n, "documents.",
        {"team", "letterhead", "place", "unit", "archive_code", "number_pattern", "templates_dir",
         "language", "time_zone", "public_url", "letter_deadline_days", "letter_cc", "signers"}));
    if (auto t = n["team"]) {
      RETURN_IF_ERROR(Known(t, "documents.team.", {"name", "unit", "email", "phone"}));
      RETURN_IF_ERROR(String(t["name"], "documents.team.name", d.team_name));
      RETURN_IF_ERROR(String(t["unit"], "documents.team.unit", d.team_unit));
      RETURN_IF_ERROR(String(t["email"], "documents.team.email", d.team_email));
      RETURN_IF_ERROR(String(t["phone"], "documents.team.phone", d.team_phone));
    }
    if (auto l = n["letterhead"]) {
      RETURN_IF_ERROR(
          Known(l, "documents.letterhead.", {"government", "office", "address", "logo"}));
      RETURN_IF_ERROR(String(l["government"], "documents.letterhead.government", d.government));
      RETURN_IF_ERROR(String(l["office"], "documents.letterhead.office", d.office));
      RETURN_IF_ERROR(Strings(l["address"], "documents.letterhead.address", d.address));
      RETURN_IF_ERROR(String(l["logo"], "documents.letterhead.logo", d.logo));
    }
    RETURN_IF_ERROR(String(n["place"], "documents.place", d.place));
    RETURN_IF_ERROR(String(n["unit"], "documents.unit", d.unit));
    RETURN_IF_ERROR(String(n["archive_code"], "documents.archive_code", d.archive_code));
    if (auto p = n["number_pattern"]) {
      RETURN_IF_ERROR(String(p, "documents.number_pattern", d.number_pattern));
      if (d.number_pattern.find("{seq") == std::string::npos) {
        return Error(p, "documents.number_pattern",
                     "needs {seq}, or two documents would get the same number");
      }
    }
    RETURN_IF_ERROR(String(n["templates_dir"], "documents.templates_dir", d.templates_dir));
    if (auto l = n["language"]) {
      RETURN_IF_ERROR(String(l, "documents.language", d.language));
      if (d.language != "id" && d.language != "en") {
        return Error(l, "documents.language", "must be 'id' or 'en'");
      }
    }
    if (auto z = n["time_zone"]) {
      RETURN_IF_ERROR(String(z, "documents.time_zone", d.time_zone));
      if (d.time_zone != "WIB" && d.time_zone != "WITA" && d.time_zone != "WIT") {
        return Error(z, "documents.time_zone", "must be WIB, WITA or WIT");
      }
    }
    if (auto u = n["public_url"]) {
      RETURN_IF_ERROR(String(u, "documents.public_url", d.public_url));
      if (d.public_url.rfind("http://", 0) != 0 && d.public_url.rfind("https://", 0) != 0) {
        return Error(u, "documents.public_url", "must start with http:// or https://");
      }
    }
    RETURN_IF_ERROR(Number(n["letter_deadline_days"], "documents.letter_deadline_days", 1, 365,
                           d.letter_deadline_days));
    RETURN_IF_ERROR(Strings(n["letter_cc"], "documents.letter_cc", d.letter_cc));
    if (auto s = n["signers"]) {
      if (!s.IsSequence()) return Error(s, "documents.signers", "must be a list");
      d.signers.clear();
      for (const auto& item : s) {
        RETURN_IF_ERROR(Known(item, "documents.signers[].",
                              {"user", "full_name", "position", "nip", "pkcs12", "password_file"}));
        Config::Documents::Signer signer;
        RETURN_IF_ERROR(String(item["user"], "documents.signers[].user", signer.user));
        if (signer.user.empty()) return Error(item, "documents.signers[]", "needs a user");
        RETURN_IF_ERROR(
            String(item["full_name"], "documents.signers[].full_name", signer.full_name));
        RETURN_IF_ERROR(String(item["position"], "documents.signers[].position", signer.position));
        RETURN_IF_ERROR(String(item["nip"], "documents.signers[].nip", signer.nip));
        RETURN_IF_ERROR(String(item["pkcs12"], "documents.signers[].pkcs12", signer.pkcs12));
        RETURN_IF_ERROR(String(item["password_file"], "documents.signers[].password_file",
                               signer.password_file));
        d.signers.push_back(std::move(signer));
      }
    }
    return Status::Ok();
  }

  Status ReadNotify(const YAML::Node& n, Config::Notify& notify) const {
    RETURN_IF_ERROR(Known(n, "notify.", {"smtp", "webhooks"}));
    if (auto s = n["smtp"]) {
      Config::Notify::Smtp& smtp = notify.smtp;
      RETURN_IF_ERROR(
          Known(s, "notify.smtp.",
                {"url", "from", "username", "password_file", "starttls", "ca_file", "timeout_s"}));
      RETURN_IF_ERROR(String(s["url"], "notify.smtp.url", smtp.url));
      RETURN_IF_ERROR(String(s["from"], "notify.smtp.from", smtp.from));
      RETURN_IF_ERROR(String(s["username"], "notify.smtp.username", smtp.username));
      RETURN_IF_ERROR(String(s["password_file"], "notify.smtp.password_file", smtp.password_file));
      RETURN_IF_ERROR(String(s["starttls"], "notify.smtp.starttls", smtp.starttls));
      RETURN_IF_ERROR(String(s["ca_file"], "notify.smtp.ca_file", smtp.ca_file));
      RETURN_IF_ERROR(Number(s["timeout_s"], "notify.smtp.timeout_s", 5, 600, smtp.timeout_s));
      if (!smtp.url.empty() && !smtp.url.starts_with("smtp://") &&
          !smtp.url.starts_with("smtps://")) {
        return Error(s["url"], "notify.smtp.url", "must start with smtp:// or smtps://");
      }
      if (!smtp.url.empty() && smtp.from.find('@') == std::string::npos) {
        return Error(s["from"] ? s["from"] : s, "notify.smtp.from",
                     "the sender's address is needed to send email, e.g. "
                     "\"CSIRT <csirt@example.go.id>\"");
      }
      if (!smtp.starttls.empty() && smtp.starttls != "required" &&
          smtp.starttls != "if_available" && smtp.starttls != "none") {
        return Error(s["starttls"], "notify.smtp.starttls",
                     "must be required, if_available or none");
      }
      if (smtp.username.empty() != smtp.password_file.empty()) {
        return Error(s, "notify.smtp", "username and password_file go together");
      }
    }
    if (auto list = n["webhooks"]) {
      if (!list.IsSequence()) return Error(list, "notify.webhooks", "must be a list");
      notify.webhooks.clear();
      for (size_t i = 0; i < list.size(); ++i) {
        const YAML::Node w = list[i];
        const std::string key = "notify.webhooks[" + std::to_string(i) + "]";
        RETURN_IF_ERROR(Known(w, key + ".", {"url", "kind", "chat_id", "token_file", "events"}));
        Config::Notify::Webhook hook;
        RETURN_IF_ERROR(String(w["url"], key + ".url", hook.url));
        RETURN_IF_ERROR(String(w["kind"], key + ".kind", hook.kind));
        RETURN_IF_ERROR(String(w["chat_id"], key + ".chat_id", hook.chat_id));
        RETURN_IF_ERROR(String(w["token_file"], key + ".token_file", hook.token_file));
        RETURN_IF_ERROR(Strings(w["events"], key + ".events", hook.events));
        const bool http = hook.url.starts_with("http://") || hook.url.starts_with("https://");
        if (hook.kind == "generic") {
          if (!http) return Error(w, key + ".url", "a generic webhook needs an http(s) URL");
        } else if (hook.kind == "telegram") {
          if (!hook.url.empty() && !http) {
            return Error(w["url"], key + ".url", "the Bot API base must be an http(s) URL");
          }
          if (hook.chat_id.empty() || hook.token_file.empty()) {
            return Error(w, key, "a telegram webhook needs chat_id and token_file");
          }
        } else {
          return Error(w["kind"], key + ".kind", "must be generic or telegram");
        }
        for (const std::string& event : hook.events) {
          if (!kWorkflowActions.count(event)) {
            return Error(w["events"], key + ".events",
                         "'" + event +
                             "' is not a workflow action (investigate, assess, report, submit, "
                             "verify, return, approve, notify, close)");
          }
        }
        notify.webhooks.push_back(std::move(hook));
      }
    }
    return Status::Ok();
  }

  // The case workflow's actions (cases/workflow.h CaseActionName), which core cannot include;
  // notify/notify_test checks the two lists agree.
  inline static const std::set<std::string> kWorkflowActions = {"investigate", "assess", "report",
                                                                "submit",      "verify", "return",
                                                                "approve",     "notify", "close"};

  Status Error(const YAML::Node& n, std::string_view key, std::string_view why) const {
    std::ostringstream m;
    m << source_;
    if (n.Mark().line >= 0) m << ":" << n.Mark().line + 1;
    if (!key.empty()) m << ": " << key;
    m << ": " << why;
    return InvalidArgument(m.str());
  }

  Status Known(const YAML::Node& n, std::string_view prefix,
               const std::set<std::string>& keys) const {
    if (!n.IsMap()) return Error(n, prefix, "must be a mapping");
    for (const auto& kv : n) {
      const auto key = kv.first.as<std::string>();
      if (!keys.count(key)) {
        return Error(kv.first, std::string(prefix) + key, "unknown setting");
      }
    }
    return Status::Ok();
  }

  // A section read by its subsystem: mappings are walked (at most 4 deep), scalars and lists of
  // scalars become settings with their line.
  Status Flatten(const YAML::Node& n, std::vector<std::string> path,
                 std::vector<ConfigSetting>& out) const {
    std::string key;
    for (const std::string& p : path) key += (key.empty() ? "" : ".") + p;
    if (n.IsNull()) return Status::Ok();
    if (n.IsMap()) {
      if (path.size() > 4) return Error(n, key, "is nested too deep");
      for (const auto& kv : n) {
        std::vector<std::string> sub = path;
        sub.push_back(kv.first.as<std::string>());
        RETURN_IF_ERROR(Flatten(kv.second, std::move(sub), out));
      }
      return Status::Ok();
    }
    ConfigSetting s;
    s.path.assign(path.begin() + 1, path.end());
    s.where = source_;
    if (n.Mark().line >= 0) s.where += ":" + std::to_string(n.Mark().line + 1);
    if (n.IsScalar()) {
      s.value = n.Scalar();
    } else if (n.IsSequence()) {
      s.is_list = true;
      for (const auto& item : n) {
        if (!item.IsScalar()) return Error(item, key, "must be a list of values");
        s.list.push_back(item.Scalar());
      }
    } else {
      return Error(n, key, "must be a value, a list of values or a mapping");
    }
    out.push_back(std::move(s));
    return Status::Ok();
  }

  Status String(const YAML::Node& n, std::string_view key, std::string& out) const {
    if (!n) return Status::Ok();
    if (!n.IsScalar()) return Error(n, key, "must be a text value");
    out = n.as<std::string>();
    return Status::Ok();
  }

  // A text or a list of texts.
  Status Strings(const YAML::Node& n, std::string_view key, std::vector<std::string>& out) const {
    if (!n) return Status::Ok();
    if (n.IsScalar()) {
      out = {n.Scalar()};
      return Status::Ok();
    }
    if (!n.IsSequence()) return Error(n, key, "must be a text or a list of texts");
    out.clear();
    for (const auto& item : n) {
      if (!item.IsScalar()) return Error(item, key, "must be a text or a list of texts");
      out.push_back(item.Scalar());
    }
    return Status::Ok();
  }

  Status Bool(const YAML::Node& n, std::string_view key, bool& out) const {
    if (!n) return Status::Ok();
    if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) {
      out = n.Scalar() == "true";
      return Status::Ok();
    }
    return Error(n, key, "must be true or false");
  }

  Status Address(const YAML::Node& n, std::string_view key, ListenAddress& out) const {
    if (!n) return Status::Ok();
    if (n.IsScalar() && (n.Scalar() == "off" || n.Scalar() == "false")) {
      out.enabled = false;
      return Status::Ok();
    }
    std::string text;
    RETURN_IF_ERROR(String(n, key, text));
    auto a = ParseListenAddress(text, key);
    if (!a.ok()) return Error(n, "", a.status().message());
    out = *a;
    return Status::Ok();
  }

  template <typename T>
  Status Number(const YAML::Node& n, std::string_view key, int64_t min, int64_t max, T& out) const {
    if (!n) return Status::Ok();
    int64_t v = 0;
    const std::string& s = n.Scalar();
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!n.IsScalar() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      return Error(n, key, "must be a whole number");
    }
    if (v < min || v > max) {
      return Error(n, key,
                   "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    out = static_cast<T>(v);
    return Status::Ok();
  }

  std::string source_;
};

}  // namespace

Status LoadConfigText(std::string_view yaml, std::string_view source, Config& config) {
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    return ConfigReader(source).Read(root, config);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ": " +
                           e.msg);
  }
}

Status LoadConfigFile(const std::string& path, Config& config) {
  std::ifstream in(path);
  if (!in) return InvalidArgument(path + ": cannot open the config file");
  std::stringstream text;
  text << in.rdbuf();
  return LoadConfigText(text.str(), path, config);
}

}  // namespace pantau
