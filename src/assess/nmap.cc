#include "assess/nmap.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <pugixml.hpp>

#include "cases/text.h"

namespace pantau {
namespace {

constexpr size_t kMaxPortItems = 100;
constexpr size_t kMaxExcerpt = 2000;
constexpr size_t kMaxCves = 200;

// CVE-2021-44228 as scanners write it; CVE_2021_44228 as Suricata's metadata does;
// cve.2021-44228 as Sigma tags do.
bool IsCveSeparator(char c) { return c == '-' || c == '_' || c == '.'; }

Result<int> PortNumber(std::string_view s, std::string_view item) {
  int n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n < 1 || n > 65535) {
    return InvalidArgument(
        fmt::format("ports: '{}' is not a port number (1 to 65535) or a range of them (8000-8100)",
                    ShortenedText(item, 50)));
  }
  return n;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Every text of a script's result: its output, table keys and element texts.
void CollectText(const pugi::xml_node& node, std::string& out) {
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() == pugi::node_pcdata) {
      out += child.value();
      out += '\n';
    } else if (child.type() == pugi::node_element) {
      out += child.attribute("key").value();
      out += ' ';
      CollectText(child, out);
    }
  }
}

// The highest CVSS score an element of the script gives (keys cvss, CVSSv2, CVSSv3, ...).
std::optional<double> HighestCvss(const pugi::xml_node& script) {
  std::optional<double> best;
  for (const pugi::xpath_node& x : script.select_nodes(".//elem[@key]")) {
    const std::string key = Lower(x.node().attribute("key").value());
    if (!key.starts_with("cvss")) continue;
    const std::string_view v = x.node().child_value();
    double score = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), score);
    if (ec != std::errc() || score < 0 || score > 10) continue;
    if (!best || score > *best) best = score;
  }
  return best;
}

// What the script says of the state: VULNERABLE, LIKELY VULNERABLE, NOT VULNERABLE, ...
std::string StateOf(const pugi::xml_node& script) {
  for (const pugi::xpath_node& x : script.select_nodes(".//elem[@key='state']")) {
    return x.node().child_value();
  }
  return "";
}

std::string TitleOf(const pugi::xml_node& script) {
  for (const pugi::xpath_node& x : script.select_nodes(".//elem[@key='title']")) {
    std::string t = TrimmedText(x.node().child_value());
    if (!t.empty()) return ShortenedText(t, 300);
  }
  return fmt::format("nmap script {}", script.attribute("id").value());
}

void AddScriptFinding(const pugi::xml_node& script, const std::string& target,
                      std::vector<NewFinding>& out) {
  std::string text = script.attribute("output").value();
  text += '\n';
  CollectText(script, text);
  const std::string state = StateOf(script);
  const std::string upper_state = [&] {
    std::string s = state;
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }();
  if (upper_state.find("NOT VULNERABLE") != std::string::npos) return;
  const bool vulnerable = upper_state.find("VULNERABLE") != std::string::npos;
  std::vector<std::string> cves = FindCves(text);
  if (cves.empty() && !vulnerable) return;
  if (cves.size() > kMaxCves) cves.resize(kMaxCves);
  NewFinding f;
  f.title = TitleOf(script);
  f.check_id = fmt::format("nmap:{}", ShortenedText(script.attribute("id").value(), 100));
  f.target = target;
  f.cves = std::move(cves);
  f.cvss = HighestCvss(script);
  if (f.cvss) {
    f.severity = std::string(SeverityOfCvss(*f.cvss));
  } else {
    f.severity = vulnerable ? "high" : "medium";
  }
  f.evidence = ShortenedText(fmt::format("{}{}\n{}", script.attribute("id").value(),
                                         state.empty() ? "" : " (" + TrimmedText(state) + ")",
                                         TrimmedText(script.attribute("output").value())),
                             kMaxExcerpt);
  out.push_back(std::move(f));
}

}  // namespace

Result<std::string> NormalisePorts(std::string_view ports) {
  std::string compact;
  for (char c : ports) {
    if (c != ' ') compact += c;
  }
  if (compact.empty()) return InvalidArgument("ports: empty; leave it out for the default list");
  std::string out;
  size_t items = 0;
  size_t start = 0;
  while (start <= compact.size()) {
    size_t end = compact.find(',', start);
    if (end == std::string::npos) end = compact.size();
    const std::string_view item = std::string_view(compact).substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    if (++items > kMaxPortItems) {
      return InvalidArgument(fmt::format("ports: at most {} items", kMaxPortItems));
    }
    const size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      ASSIGN_OR_RETURN(int p, PortNumber(item, item));
      out += fmt::format("{}{}", out.empty() ? "" : ",", p);
    } else {
      ASSIGN_OR_RETURN(int lo, PortNumber(item.substr(0, dash), item));
      ASSIGN_OR_RETURN(int hi, PortNumber(item.substr(dash + 1), item));
      if (lo > hi) {
        return InvalidArgument(fmt::format("ports: in '{}' the first port is the higher", item));
      }
      out += fmt::format("{}{}-{}", out.empty() ? "" : ",", lo, hi);
    }
  }
  if (out.empty()) return InvalidArgument("ports: no port given");
  return out;
}

std::vector<std::string> NmapArgv(std::string_view nmap, const std::vector<ScanTarget>& targets,
                                  std::string_view ports, bool vuln) {
  std::vector<std::string> argv = {std::string(nmap),
                                   "-sV",
                                   "-Pn",
                                   "-oX",
                                   "-",
                                   "--stats-every",
                                   "2s",
                                   "--host-timeout",
                                   "120s",
                                   "-p",
                                   std::string(ports)};
  if (vuln) {
    argv.emplace_back("--script");
    argv.emplace_back("vuln and not external");
  }
  // Nothing after this may be read as an option.
  for (const ScanTarget& t : targets) argv.push_back(t.host());
  return argv;
}

namespace {

constexpr size_t kMaxPhase = 100;

// The value of attribute `name` of the element in `line` ("" when it has none). nmap writes its
// attributes with double quotes and no spaces around '='.
std::string_view AttributeValue(std::string_view line, std::string_view name) {
  const std::string key = " " + std::string(name) + "=\"";
  const size_t at = line.find(key);
  if (at == std::string_view::npos) return {};
  const size_t begin = at + key.size();
  const size_t end = line.find('"', begin);
  if (end == std::string_view::npos) return {};
  return line.substr(begin, end - begin);
}

std::optional<double> Percent(std::string_view text) {
  // Digits and one point only, so that strtod reads nothing else ("inf", "0x1p3", "-1").
  if (text.empty() || text.size() > 10 ||
      text.find_first_not_of("0123456789.") != std::string_view::npos) {
    return std::nullopt;
  }
  const double value = std::strtod(std::string(text).c_str(), nullptr);
  if (value < 0 || value > 100) return std::nullopt;
  return value;
}

// A phase as nmap names it: printable ASCII, not empty, not too long.
bool IsPhaseName(std::string_view phase) {
  if (phase.empty() || phase.size() > kMaxPhase) return false;
  return std::all_of(phase.begin(), phase.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

}  // namespace

std::optional<NmapProgress> ParseNmapProgressLine(std::string_view untrimmed) {
  const std::string trimmed = TrimmedText(untrimmed);
  const std::string_view line = trimmed;
  NmapProgress progress;
  std::optional<double> percent;
  if (line.starts_with("<taskprogress ")) {
    progress.phase = std::string(AttributeValue(line, "task"));
    percent = Percent(AttributeValue(line, "percent"));
  } else {
    constexpr std::string_view kTiming = " Timing: About ";
    const size_t timing = line.find(kTiming);
    if (timing == std::string_view::npos) return std::nullopt;
    const size_t begin = timing + kTiming.size();
    const size_t sign = line.find("% done", begin);
    if (sign == std::string_view::npos) return std::nullopt;
    progress.phase = std::string(line.substr(0, timing));
    percent = Percent(line.substr(begin, sign - begin));
  }
  if (!percent || !IsPhaseName(progress.phase)) return std::nullopt;
  progress.percent = *percent;
  return progress;
}

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    if (a.find_first_of(" \t'\"") == std::string::npos && !a.empty()) {
      out += a;
    } else {
      out += '\'';
      for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

std::vector<std::string> FindCves(std::string_view text) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 13 <= text.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != 'c' ||
        std::tolower(static_cast<unsigned char>(text[i + 1])) != 'v' ||
        std::tolower(static_cast<unsigned char>(text[i + 2])) != 'e' ||
        !IsCveSeparator(text[i + 3])) {
      continue;
    }
    if (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))) continue;
    size_t j = i + 4;
    size_t year = 0;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j, ++year;
    if (year != 4 || j >= text.size() || !IsCveSeparator(text[j])) continue;
    size_t k = j + 1, digits = 0;
    while (k < text.size() && std::isdigit(static_cast<unsigned char>(text[k])) && digits < 8) {
      ++k, ++digits;
    }
    if (digits < 4) continue;
    std::string id = fmt::format("CVE-{}-{}", text.substr(i + 4, 4), text.substr(j + 1, k - j - 1));
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
    i = k - 1;
  }
  return out;
}

Result<NmapReport> ParseNmapXml(std::string_view xml) {
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return InvalidArgument(
        fmt::format("nmap's XML report: {} at byte {}", parsed.description(), parsed.offset));
  }
  const pugi::xml_node run = doc.child("nmaprun");
  if (!run) return InvalidArgument("nmap's XML report: no <nmaprun> element");
  NmapReport report;
  report.version = run.attribute("version").value();
  report.error = run.child("runstats").child("finished").attribute("errormsg").value();
  for (const pugi::xml_node& host : run.children("host")) {
    if (std::string_view(host.child("status").attribute("state").value()) == "up") {
      ++report.hosts_up;
    }
    std::string address;
    for (const pugi::xml_node& a : host.children("address")) {
      const std::string_view type = a.attribute("addrtype").value();
      if (type == "ipv4" || type == "ipv6") {
        address = a.attribute("addr").value();
        break;
      }
    }
    std::string name;
    for (const pugi::xml_node& h : host.child("hostnames").children("hostname")) {
      if (std::string_view(h.attribute("type").value()) == "user")
        name = h.attribute("name").value();
    }
    const std::string where =
        name.empty() || name == address ? address : fmt::format("{} ({})", name, address);
    for (const pugi::xml_node& port : host.child("ports").children("port")) {
      const std::string_view state = port.child("state").attribute("state").value();
      const std::string id = fmt::format("{}/{}", port.attribute("portid").value(),
                                         port.attribute("protocol").value());
      const std::string target = fmt::format("{}:{}", where, id);
      if (state == "open") {
        const pugi::xml_node svc = port.child("service");
        const std::string service = svc.attribute("name").value();
        std::string product = TrimmedText(fmt::format("{} {}", svc.attribute("product").value(),
                                                      svc.attribute("version").value()));
        NewFinding f;
        f.severity = "info";
        f.check_id = "nmap:open-port";
        f.target = target;
        f.title = fmt::format("Open port {}{}{}", id, service.empty() ? "" : ": " + service,
                              product.empty() ? "" : " (" + product + ")");
        std::string excerpt = fmt::format("{} open {}", id, service);
        if (!product.empty()) excerpt += " " + product;
        if (const std::string_view extra = svc.attribute("extrainfo").value(); !extra.empty()) {
          excerpt += fmt::format(" ({})", extra);
        }
        for (const pugi::xml_node& cpe : svc.children("cpe")) {
          excerpt += fmt::format("\n{}", cpe.child_value());
        }
        f.evidence = ShortenedText(excerpt, kMaxExcerpt);
        report.findings.push_back(std::move(f));
      }
      for (const pugi::xml_node& script : port.children("script")) {
        AddScriptFinding(script, target, report.findings);
      }
    }
    for (const pugi::xml_node& script : host.child("hostscript").children("script")) {
      AddScriptFinding(script, where, report.findings);
    }
  }
  return report;
}

}  // namespace pantau
