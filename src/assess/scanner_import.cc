#include "assess/scanner_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "assess/nmap.h"
#include "cases/text.h"

namespace pantau {
namespace {

constexpr size_t kMaxTitle = 300;
constexpr size_t kMaxExcerpt = 2000;
constexpr size_t kMaxCheckId = 200;
constexpr size_t kMaxTarget = 500;
constexpr size_t kMaxCves = 200;
constexpr size_t kMaxJsonlLine = size_t{8} << 20;
constexpr size_t kMaxZapInstancesShown = 5;

struct LineColumn {
  size_t line = 1, column = 1;
};

LineColumn LineColumnAt(std::string_view text, size_t offset) {
  LineColumn at;
  offset = std::min(offset, text.size());
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  return at;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Shown on a few lines: control characters but the newline made spaces, cut to `max_bytes`.
std::string Excerpt(std::string_view s, size_t max_bytes = kMaxExcerpt) {
  std::string out = ShortenedText(TrimmedText(s), max_bytes);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') c = ' ';
  }
  return out;
}

std::string OneLine(std::string_view s, size_t max_bytes) {
  std::string out = Excerpt(s, max_bytes);
  for (char& c : out) {
    if (c == '\n') c = ' ';
  }
  return out;
}

std::optional<double> CvssOf(std::string_view text) {
  const std::string t = TrimmedText(text);
  double score = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), score);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || score <= 0 || score > 10) {
    return std::nullopt;
  }
  return score;
}

void AddCves(std::vector<std::string>& cves, std::string_view text) {
  for (std::string& c : FindCves(text)) {
    if (cves.size() >= kMaxCves) return;
    if (std::find(cves.begin(), cves.end(), c) == cves.end()) cves.push_back(std::move(c));
  }
}

void AddHost(std::vector<std::string>& hosts, std::string_view host) {
  std::string h = HostOfTarget(host);
  if (h.empty() || std::find(hosts.begin(), hosts.end(), h) != hosts.end()) return;
  hosts.push_back(std::move(h));
}

void AddScanned(ImportedReport& report, const std::vector<std::string>& names) {
  if (names.empty() || report.scanned_hosts.size() >= kMaxImportHosts) return;
  for (const std::vector<std::string>& known : report.scanned_hosts) {
    for (const std::string& n : names) {
      if (std::find(known.begin(), known.end(), n) != known.end()) return;
    }
  }
  report.scanned_hosts.push_back(names);
}

Status TooManyFindings(std::string_view what) {
  return InvalidArgument(fmt::format(
      "{}: more than {} findings; import it in parts (per host or per scan) rather than have "
      "Pantau cut it, since a cut report would make vulnerabilities look absent",
      what, kMaxImportFindings));
}

// --- XML ---------------------------------------------------------------------------------------

// pugixml's defaults (parse_default): no DOCTYPE internal subset is read, no entity but the five
// predefined ones and character references is expanded, nothing is fetched.
Status LoadXml(pugi::xml_document& doc, std::string_view xml, std::string_view what) {
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    const LineColumn at = LineColumnAt(xml, static_cast<size_t>(parsed.offset));
    return InvalidArgument(
        fmt::format("{}: line {}, column {}: {}", what, at.line, at.column, parsed.description()));
  }
  return Status::Ok();
}

std::string Where(std::string_view xml, const pugi::xml_node& node) {
  const ptrdiff_t offset = node.offset_debug();
  if (offset < 0) return fmt::format("<{}>", node.name());
  return fmt::format("line {}, <{}>", LineColumnAt(xml, static_cast<size_t>(offset)).line,
                     node.name());
}

std::string Child(const pugi::xml_node& node, const char* name) {
  return TrimmedText(node.child_value(name));
}

// --- JSON --------------------------------------------------------------------------------------

// The deepest nesting of `text`'s arrays and objects, counted without parsing, so that a hostile
// file is refused before a parser recurses into it.
size_t JsonDepth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// `text` parsed, or where and why not. nlohmann's parse errors are exceptions: caught here, at
// the adapter.
Result<nlohmann::json> ParseJson(std::string_view text, std::string_view what, size_t line0) {
  if (JsonDepth(text) > kMaxImportJsonDepth) {
    return InvalidArgument(
        fmt::format("{}: line {}: nested deeper than {} levels", what, line0, kMaxImportJsonDepth));
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const LineColumn at = LineColumnAt(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string why = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    if (const size_t colon = why.find(": "); colon != std::string::npos) {
      why = why.substr(colon + 2);
    }
    return InvalidArgument(fmt::format("{}: line {}, column {}: {}", what, line0 + at.line - 1,
                                       at.column, ShortenedText(why, 300)));
  } catch (const std::exception& e) {
    return InvalidArgument(fmt::format("{}: line {}: {}", what, line0, e.what()));
  }
}

// A member that must be a string, when present; "" when absent or null.
Result<std::string> StringAt(const nlohmann::json& object, const char* key, std::string_view path) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return InvalidArgument(
        fmt::format("{}{}{}: expected a string", path, path.ends_with(' ') ? "" : ".", key));
  }
  return it->get<std::string>();
}

std::string StringOr(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// --- Importers ---------------------------------------------------------------------------------

std::string SeverityOfNessus(int level) {
  static constexpr std::string_view kLevels[] = {"info", "low", "medium", "high", "critical"};
  return std::string(kLevels[level]);
}

}  // namespace

std::string HostOfTarget(std::string_view target) {
  std::string_view t = target;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  if (const size_t scheme = t.find("://"); scheme != std::string_view::npos) {
    t = t.substr(scheme + 3);
  }
  t = t.substr(0, t.find_first_of("/?#"));
  if (const size_t at = t.rfind('@'); at != std::string_view::npos) t = t.substr(at + 1);
  if (t.starts_with('[')) {
    const size_t close = t.find(']');
    return close == std::string_view::npos ? "" : Lower(t.substr(1, close - 1));
  }
  // One colon: host:port. More: a bare IPv6 address.
  if (std::count(t.begin(), t.end(), ':') == 1) t = t.substr(0, t.find(':'));
  return Lower(t);
}

Result<ImportedReport> ParseOpenVasXml(std::string_view xml) {
  constexpr std::string_view kWhat = "OpenVAS/Greenbone XML report";
  pugi::xml_document doc;
  RETURN_IF_ERROR(LoadXml(doc, xml, kWhat));
  pugi::xml_node report = doc.document_element();
  // GMP's answer (get_reports_response) wraps the report; a report exported from the web UI
  // has <report> with its <report> inside.
  if (std::string_view(report.name()) == "get_reports_response") report = report.child("report");
  if (!report || std::string_view(report.name()) != "report") {
    return InvalidArgument(fmt::format(
        "{}: {} is not a Greenbone report: expected <report> (export the report in format XML)",
        kWhat, Where(xml, doc.document_element())));
  }
  if (report.child("report")) report = report.child("report");
  const pugi::xml_node results = report.child("results");
  if (!results) {
    return InvalidArgument(fmt::format(
        "{}: {} has no <results>: export the report with its results (XML format, all rows)", kWhat,
        Where(xml, report)));
  }
  ImportedReport out;
  std::string version = Child(report.child("gmp"), "version");
  if (version.empty()) version = Child(report.child("omp"), "version");
  out.tool = version.empty() ? "Greenbone" : "Greenbone GMP " + OneLine(version, 50);
  for (const pugi::xml_node& host : report.children("host")) {
    std::vector<std::string> names;
    AddHost(names, Child(host, "ip"));
    AddScanned(out, names);
  }
  for (const pugi::xml_node& result : results.children("result")) {
    const pugi::xml_node host = result.child("host");
    // The address is the text of <host> before its <asset> and <hostname> children.
    const std::string address = TrimmedText(host.child_value());
    if (address.empty()) {
      return InvalidArgument(fmt::format("{}: {}: no <host> address", kWhat, Where(xml, result)));
    }
    const pugi::xml_node nvt = result.child("nvt");
    const std::string oid = TrimmedText(nvt.attribute("oid").value());
    if (oid.empty()) {
      return InvalidArgument(fmt::format("{}: {}: no <nvt oid=...>: every result names its check",
                                         kWhat, Where(xml, result)));
    }
    const std::string threat = Lower(Child(result, "threat"));
    // Results the team's own overrides dismissed, and the scanner's debug output, are no findings.
    if (threat == "false positive" || threat == "debug") continue;
    if (out.findings.size() >= kMaxImportFindings) return TooManyFindings(kWhat);
    ImportedFinding f;
    AddHost(f.hosts, address);
    const std::string hostname = Child(host, "hostname");
    if (!hostname.empty()) AddHost(f.hosts, hostname);
    AddScanned(out, f.hosts);
    NewFinding& n = f.finding;
    n.check_id = ShortenedText("openvas:" + oid, kMaxCheckId);
    std::string title = Child(result, "name");
    if (title.empty()) title = Child(nvt, "name");
    n.title = title.empty() ? "OpenVAS NVT " + oid : OneLine(title, kMaxTitle);
    const std::string where =
        hostname.empty() ? address : fmt::format("{} ({})", OneLine(hostname, 200), address);
    const std::string port = Child(result, "port");
    // "80/tcp" is a port; "general/tcp" or "package" is the host itself.
    n.target = OneLine(port.empty() || !std::isdigit(static_cast<unsigned char>(port[0]))
                           ? where
                           : fmt::format("{}:{}", where, port),
                       kMaxTarget);
    n.cvss = CvssOf(Child(result, "severity"));
    if (!n.cvss) n.cvss = CvssOf(Child(nvt, "cvss_base"));
    if (n.cvss) {
      n.severity = std::string(SeverityOfCvss(*n.cvss));
    } else if (threat == "critical" || threat == "high" || threat == "medium" || threat == "low") {
      n.severity = threat;
    } else {
      n.severity = "info";
    }
    for (const pugi::xml_node& ref : nvt.child("refs").children("ref")) {
      if (Lower(ref.attribute("type").value()) == "cve")
        AddCves(n.cves, ref.attribute("id").value());
    }
    AddCves(n.cves, nvt.child_value("cve"));  // before GVM 9: "CVE-2021-1, CVE-2021-2" or NOCVE
    std::string excerpt = Child(result, "description");
    if (const std::string solution = Child(nvt, "solution"); !solution.empty()) {
      excerpt += "\n\nSolution: " + solution;
    }
    n.evidence = Excerpt(excerpt);
    out.findings.push_back(std::move(f));
  }
  return out;
}

Result<ImportedReport> ParseNessusXml(std::string_view xml) {
  constexpr std::string_view kWhat = "Nessus (.nessus v2) file";
  pugi::xml_document doc;
  RETURN_IF_ERROR(LoadXml(doc, xml, kWhat));
  const pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "NessusClientData_v2") {
    return InvalidArgument(
        fmt::format("{}: {} is not <NessusClientData_v2>: export the scan as a .nessus file", kWhat,
                    Where(xml, root)));
  }
  ImportedReport out;
  out.tool = "Nessus";
  for (const pugi::xml_node& report : root.children("Report")) {
    for (const pugi::xml_node& host : report.children("ReportHost")) {
      const std::string name = TrimmedText(host.attribute("name").value());
      if (name.empty()) {
        return InvalidArgument(
            fmt::format("{}: {}: no name attribute (the host scanned)", kWhat, Where(xml, host)));
      }
      std::string ip, fqdn;
      for (const pugi::xml_node& tag : host.child("HostProperties").children("tag")) {
        const std::string_view tag_name = tag.attribute("name").value();
        if (tag_name == "host-ip") ip = TrimmedText(tag.child_value());
        if (tag_name == "host-fqdn") fqdn = TrimmedText(tag.child_value());
      }
      std::vector<std::string> hosts;
      AddHost(hosts, name);
      if (!ip.empty()) AddHost(hosts, ip);
      if (!fqdn.empty()) AddHost(hosts, fqdn);
      AddScanned(out, hosts);
      const std::string where = !fqdn.empty() && !ip.empty() && fqdn != ip
                                    ? fmt::format("{} ({})", OneLine(fqdn, 200), OneLine(ip, 50))
                                    : OneLine(name, 250);
      for (const pugi::xml_node& item : host.children("ReportItem")) {
        const std::string plugin = TrimmedText(item.attribute("pluginID").value());
        if (plugin.empty() || !std::all_of(plugin.begin(), plugin.end(), [](char c) {
              return std::isdigit(static_cast<unsigned char>(c));
            })) {
          return InvalidArgument(fmt::format("{}: {}: pluginID '{}' is not a plugin number", kWhat,
                                             Where(xml, item), ShortenedText(plugin, 50)));
        }
        const std::string_view level = item.attribute("severity").value();
        if (level.size() != 1 || level[0] < '0' || level[0] > '4') {
          return InvalidArgument(fmt::format("{}: {}: severity '{}' is not 0 to 4", kWhat,
                                             Where(xml, item), ShortenedText(level, 50)));
        }
        if (plugin == "19506") {  // Nessus Scan Information: the scanner's version
          const std::string info = item.child_value("plugin_output");
          const size_t at = info.find("Nessus version : ");
          if (at != std::string::npos) {
            out.tool = "Nessus " + OneLine(info.substr(at + 17, info.find('\n', at) - at - 17), 50);
          }
        }
        if (out.findings.size() >= kMaxImportFindings) return TooManyFindings(kWhat);
        ImportedFinding f;
        f.hosts = hosts;
        NewFinding& n = f.finding;
        n.check_id = "nessus:" + plugin;
        const std::string title = TrimmedText(item.attribute("pluginName").value());
        n.title = title.empty() ? "Nessus plugin " + plugin : OneLine(title, kMaxTitle);
        n.severity = SeverityOfNessus(level[0] - '0');
        const std::string_view port = item.attribute("port").value();
        n.target =
            OneLine(port.empty() || port == "0"
                        ? where
                        : fmt::format("{}:{}/{}", where, port, item.attribute("protocol").value()),
                    kMaxTarget);
        for (const pugi::xml_node& cve : item.children("cve")) AddCves(n.cves, cve.child_value());
        n.cvss = CvssOf(item.child_value("cvss3_base_score"));
        if (!n.cvss) n.cvss = CvssOf(item.child_value("cvss_base_score"));
        std::string excerpt = Child(item, "synopsis");
        if (const std::string output = Child(item, "plugin_output"); !output.empty()) {
          excerpt += (excerpt.empty() ? "" : "\n\n") + output;
        }
        n.evidence = Excerpt(excerpt);
        out.findings.push_back(std::move(f));
      }
    }
  }
  return out;
}

Result<ImportedReport> ParseNucleiJsonl(std::string_view jsonl) {
  constexpr std::string_view kWhat = "Nuclei JSONL";
  ImportedReport out;
  out.tool = "Nuclei";
  size_t line = 0, start = 0;
  while (start < jsonl.size()) {
    size_t end = jsonl.find('\n', start);
    if (end == std::string_view::npos) end = jsonl.size();
    const std::string_view text = jsonl.substr(start, end - start);
    start = end + 1;
    ++line;
    if (TrimmedText(text).empty()) continue;
    if (text.size() > kMaxJsonlLine) {
      return InvalidArgument(
          fmt::format("{}: line {}: longer than {} bytes", kWhat, line, kMaxJsonlLine));
    }
    ASSIGN_OR_RETURN(const nlohmann::json j, ParseJson(text, kWhat, line));
    const std::string path = fmt::format("{}: line {}", kWhat, line);
    const std::string fields = path + ": ";
    if (!j.is_object()) {
      return InvalidArgument(path + ": expected one JSON object a line (nuclei -jsonl)");
    }
    ASSIGN_OR_RETURN(const std::string id, StringAt(j, "template-id", fields));
    if (TrimmedText(id).empty()) {
      return InvalidArgument(path + ": no template-id (is this nuclei's -jsonl output?)");
    }
    const auto info_it = j.find("info");
    const nlohmann::json info =
        info_it != j.end() && info_it->is_object() ? *info_it : nlohmann::json::object();
    ASSIGN_OR_RETURN(const std::string name, StringAt(info, "name", fields + "info"));
    ASSIGN_OR_RETURN(std::string severity, StringAt(info, "severity", fields + "info"));
    severity = Lower(severity);
    if (severity == "unknown" || severity.empty()) severity = "info";
    if (!IsSeverity(severity)) {
      return InvalidArgument(fmt::format(
          "{}: info.severity '{}' is not one of info, low, medium, high, critical, unknown", path,
          ShortenedText(severity, 50)));
    }
    if (out.findings.size() >= kMaxImportFindings) return TooManyFindings(kWhat);
    ImportedFinding f;
    ASSIGN_OR_RETURN(const std::string host, StringAt(j, "host", fields));
    ASSIGN_OR_RETURN(const std::string ip, StringAt(j, "ip", fields));
    ASSIGN_OR_RETURN(const std::string matched, StringAt(j, "matched-at", fields));
    ASSIGN_OR_RETURN(const std::string url, StringAt(j, "url", fields));
    AddHost(f.hosts, host);
    AddHost(f.hosts, url);
    AddHost(f.hosts, matched);
    if (!ip.empty()) AddHost(f.hosts, ip);
    if (f.hosts.empty()) {
      return InvalidArgument(path + ": no host, url, matched-at or ip: the match names no target");
    }
    AddScanned(out, f.hosts);
    NewFinding& n = f.finding;
    n.check_id = ShortenedText("nuclei:" + TrimmedText(id), kMaxCheckId);
    n.title = name.empty() ? "Nuclei template " + OneLine(id, 200) : OneLine(name, kMaxTitle);
    n.severity = severity;
    n.target = OneLine(!matched.empty() ? matched : !url.empty() ? url : host, kMaxTarget);
    AddCves(n.cves, id);
    if (const auto c = info.find("classification"); c != info.end() && c->is_object()) {
      if (const auto ids = c->find("cve-id"); ids != c->end()) {
        if (ids->is_string()) AddCves(n.cves, ids->get<std::string>());
        if (ids->is_array()) {
          for (const auto& v : *ids) {
            if (v.is_string()) AddCves(n.cves, v.get<std::string>());
          }
        }
      }
      if (const auto score = c->find("cvss-score"); score != c->end() && score->is_number()) {
        const double s = score->get<double>();
        if (s > 0 && s <= 10) n.cvss = s;
      }
    }
    std::string excerpt = "matched at " + n.target;
    if (const auto extracted = j.find("extracted-results");
        extracted != j.end() && extracted->is_array()) {
      for (const auto& v : *extracted) {
        if (v.is_string()) excerpt += "\nextracted: " + OneLine(v.get<std::string>(), 200);
      }
    }
    if (const std::string request = StringOr(j, "request"); !request.empty()) {
      excerpt += "\n\n" + request.substr(0, request.find('\n'));
    }
    if (const std::string response = StringOr(j, "response"); !response.empty()) {
      excerpt += "\n\n" + response.substr(0, 1200);
    }
    n.evidence = Excerpt(excerpt);
    out.findings.push_back(std::move(f));
  }
  return out;
}

Result<ImportedReport> ParseZapJson(std::string_view json) {
  constexpr std::string_view kWhat = "ZAP JSON report";
  ASSIGN_OR_RETURN(const nlohmann::json j, ParseJson(json, kWhat, 1));
  if (!j.is_object() || !j.contains("site")) {
    return InvalidArgument(
        fmt::format("{}: expected an object with \"site\" (ZAP's Traditional JSON report)", kWhat));
  }
  ImportedReport out;
  ASSIGN_OR_RETURN(const std::string version, StringAt(j, "@version", std::string(kWhat) + ": "));
  out.tool = version.empty() ? "ZAP" : "ZAP " + OneLine(version, 50);
  // One site is an object in some versions, a list in others.
  const nlohmann::json& site_value = j["site"];
  const nlohmann::json sites =
      site_value.is_array() ? site_value : nlohmann::json::array({site_value});
  for (size_t s = 0; s < sites.size(); ++s) {
    const nlohmann::json& site = sites[s];
    const std::string path = fmt::format("{}: site[{}]", kWhat, s);
    if (!site.is_object()) return InvalidArgument(path + ": expected an object");
    ASSIGN_OR_RETURN(const std::string site_name, StringAt(site, "@name", path));
    ASSIGN_OR_RETURN(const std::string site_host, StringAt(site, "@host", path));
    std::vector<std::string> hosts;
    AddHost(hosts, site_host);
    AddHost(hosts, site_name);
    if (hosts.empty()) return InvalidArgument(path + ": no @name or @host: the site is unnamed");
    AddScanned(out, hosts);
    const auto alerts = site.find("alerts");
    if (alerts == site.end() || alerts->is_null()) continue;
    if (!alerts->is_array()) return InvalidArgument(path + ".alerts: expected a list");
    for (size_t a = 0; a < alerts->size(); ++a) {
      const nlohmann::json& alert = (*alerts)[a];
      const std::string apath = fmt::format("{}.alerts[{}]", path, a);
      if (!alert.is_object()) return InvalidArgument(apath + ": expected an object");
      ASSIGN_OR_RETURN(const std::string plugin, StringAt(alert, "pluginid", apath));
      if (TrimmedText(plugin).empty()) {
        return InvalidArgument(apath + ": no pluginid: every alert names its rule");
      }
      ASSIGN_OR_RETURN(std::string title, StringAt(alert, "name", apath));
      if (title.empty()) {
        ASSIGN_OR_RETURN(title, StringAt(alert, "alert", apath));
      }
      ASSIGN_OR_RETURN(const std::string risk, StringAt(alert, "riskcode", apath));
      static constexpr std::string_view kRisks[] = {"info", "low", "medium", "high"};
      if (risk.size() != 1 || risk[0] < '0' || risk[0] > '3') {
        return InvalidArgument(
            fmt::format("{}.riskcode: '{}' is not 0 to 3", apath, ShortenedText(risk, 50)));
      }
      if (out.findings.size() >= kMaxImportFindings) return TooManyFindings(kWhat);
      ImportedFinding f;
      f.hosts = hosts;
      NewFinding& n = f.finding;
      n.check_id = ShortenedText("zap:" + TrimmedText(plugin), kMaxCheckId);
      n.title = title.empty() ? "ZAP rule " + OneLine(plugin, 100) : OneLine(title, kMaxTitle);
      n.severity = std::string(kRisks[risk[0] - '0']);
      std::string excerpt = OneLine(StringOr(alert, "riskdesc"), 100);
      std::string first_uri;
      size_t instances = 0;
      if (const auto list = alert.find("instances"); list != alert.end() && list->is_array()) {
        instances = list->size();
        for (size_t i = 0; i < list->size() && i < kMaxZapInstancesShown; ++i) {
          const nlohmann::json& in = (*list)[i];
          if (!in.is_object()) continue;
          const std::string uri = StringOr(in, "uri");
          if (first_uri.empty()) first_uri = uri;
          excerpt += fmt::format("\n{} {}", OneLine(StringOr(in, "method"), 20), OneLine(uri, 300));
          for (const char* key : {"param", "attack", "evidence"}) {
            const std::string v = StringOr(in, key);
            if (!v.empty()) excerpt += fmt::format(" {}={}", key, OneLine(v, 200));
          }
        }
      }
      if (instances > kMaxZapInstancesShown) {
        excerpt += fmt::format("\n... {} instances in all", instances);
      }
      n.target = OneLine(first_uri.empty() ? site_name : first_uri, kMaxTarget);
      AddCves(n.cves, title);
      AddCves(n.cves, StringOr(alert, "reference"));
      AddCves(n.cves, StringOr(alert, "otherinfo"));
      n.evidence = Excerpt(excerpt);
      out.findings.push_back(std::move(f));
    }
  }
  return out;
}

Result<ImportedReport> ParseScannerReport(std::string_view format, std::string_view bytes) {
  if (format == "openvas") return ParseOpenVasXml(bytes);
  if (format == "nessus") return ParseNessusXml(bytes);
  if (format == "nuclei") return ParseNucleiJsonl(bytes);
  if (format == "zap") return ParseZapJson(bytes);
  return InvalidArgument(fmt::format("format: '{}' is not one of openvas, nessus, nuclei, zap",
                                     ShortenedText(format, 50)));
}

}  // namespace pantau
