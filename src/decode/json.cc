#include "decode/json.h"

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/time.h"
#include "decode/common.h"
#include "decode/scan.h"
#include "decode/syslog.h"
#include "decode/windows.h"

namespace pantau {
namespace {

namespace dom = simdjson::dom;

// Lines up to this size are parsed with the thread's reusable parser; a bigger one gets a parser
// of its own, so that one 16 MiB line does not pin hundreds of MiB of parser buffers per thread.
constexpr size_t kReusableParserBytes = 1 << 20;

// Writes an object's members as dotted names into an event, at most kMaxSourceFields of them.
class Flattener {
 public:
  explicit Flattener(Fields& fields) : fields_(fields) {}

  void Object(dom::object obj) {
    for (dom::key_value_pair member : obj) {
      if (kept_ == decode::kMaxSourceFields) return;
      const size_t len = name_.size();
      if (!name_.empty()) name_.push_back('.');
      // An empty key would make an empty or dangling field name.
      if (member.key.empty()) {
        name_.push_back('_');
      } else {
        name_.append(member.key);
      }
      Member(member.value);
      name_.resize(len);
    }
  }

 private:
  void Put(Value v) {
    ++kept_;
    fields_.Set(name_, std::move(v));
  }

  void Member(dom::element el) {
    switch (el.type()) {
      case dom::element_type::OBJECT: {
        dom::object obj;
        if (el.get(obj) != simdjson::SUCCESS) return;
        if (obj.size() == 0) {
          Put(std::string("{}"));  // kept, so that the key stays searchable
        } else {
          Object(obj);
        }
        return;
      }
      case dom::element_type::ARRAY:
        Put(simdjson::to_string(el));
        return;
      case dom::element_type::STRING: {
        std::string_view s;
        if (el.get(s) == simdjson::SUCCESS) Put(std::string(s));
        return;
      }
      case dom::element_type::INT64: {
        int64_t v;
        if (el.get(v) == simdjson::SUCCESS) Put(v);
        return;
      }
      case dom::element_type::UINT64: {
        // Above INT64_MAX only a double can hold it (approximately).
        uint64_t v;
        if (el.get(v) == simdjson::SUCCESS) Put(static_cast<double>(v));
        return;
      }
      case dom::element_type::DOUBLE: {
        double v;
        if (el.get(v) == simdjson::SUCCESS) Put(v);
        return;
      }
      case dom::element_type::BOOL: {
        bool v;
        if (el.get(v) == simdjson::SUCCESS) Put(v);
        return;
      }
      case dom::element_type::NULL_VALUE:
        Put(std::monostate{});
        return;
    }
  }

  Fields& fields_;
  std::string name_;
  size_t kept_ = 0;
};

std::optional<dom::element> Member(dom::object obj, std::string_view key) {
  dom::element el;
  if (obj.at_key(key).get(el) != simdjson::SUCCESS) return std::nullopt;
  return el;
}

std::optional<std::string_view> StringMember(dom::object obj, std::string_view key) {
  std::string_view s;
  if (obj.at_key(key).get(s) != simdjson::SUCCESS) return std::nullopt;
  return s;
}

std::optional<int64_t> IntMember(dom::object obj, std::string_view key) {
  int64_t v;
  if (obj.at_key(key).get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

std::optional<dom::object> ObjectMember(dom::object obj, std::string_view key) {
  dom::object o;
  if (obj.at_key(key).get(o) != simdjson::SUCCESS) return std::nullopt;
  return o;
}

// The time of a JSON record: an RFC 3339 string or epoch seconds/milliseconds as a number.
std::optional<TimeNs> TimeOf(dom::element el) {
  switch (el.type()) {
    case dom::element_type::STRING: {
      std::string_view s;
      if (el.get(s) != simdjson::SUCCESS) return std::nullopt;
      return ParseRfc3339(s);
    }
    case dom::element_type::INT64: {
      int64_t v;
      if (el.get(v) != simdjson::SUCCESS) return std::nullopt;
      return decode::EpochToTime(v);
    }
    case dom::element_type::DOUBLE: {
      double v;
      if (el.get(v) != simdjson::SUCCESS) return std::nullopt;
      return decode::EpochToTime(v);
    }
    default:
      return std::nullopt;
  }
}

// A dataset named by the line itself is used only when it looks like one: it becomes part of how
// events are stored and searched, so free text from a hostile line is not taken.
bool IsDatasetName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!decode::IsAlnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

std::string SuricataDataset(std::string_view event_type) {
  if (event_type.empty() || event_type.size() > 32) return "suricata";
  for (char c : event_type) {
    if (!decode::IsAlnum(c) && c != '_') return "suricata";
  }
  return "suricata." + decode::ToLowerAscii(event_type);
}

bool IsSuricata(dom::object root, std::optional<std::string_view> event_type) {
  if (!event_type || !StringMember(root, "timestamp")) return false;
  return Member(root, "flow_id") || Member(root, "src_ip") || Member(root, "in_iface") ||
         *event_type == "stats";
}

void SetString(Fields& f, std::string_view name, std::optional<std::string_view> v) {
  if (v && !v->empty()) f.Set(name, std::string(*v));
}
void SetInt(Fields& f, std::string_view name, std::optional<int64_t> v) {
  if (v) f.Set(name, *v);
}

// Elastic Common Schema fields of a Suricata EVE record, beside its flattened own fields.
void MapSuricata(dom::object root, std::string_view event_type, Event& e) {
  Fields& f = e.fields;
  SetString(f, "source.ip", StringMember(root, "src_ip"));
  SetInt(f, "source.port", IntMember(root, "src_port"));
  SetString(f, "destination.ip", StringMember(root, "dest_ip"));
  SetInt(f, "destination.port", IntMember(root, "dest_port"));
  if (auto proto = StringMember(root, "proto"); proto && !proto->empty()) {
    f.Set("network.transport", decode::ToLowerAscii(*proto));
  }
  if (auto app = StringMember(root, "app_proto"); app && *app != "failed") {
    SetString(f, "network.protocol", app);
  }
  SetString(f, "network.community_id", StringMember(root, "community_id"));
  SetString(f, "observer.ingress.interface.name", StringMember(root, "in_iface"));

  if (auto alert = ObjectMember(root, "alert")) {
    if (auto id = IntMember(*alert, "signature_id")) f.Set("rule.id", std::to_string(*id));
    SetString(f, "rule.name", StringMember(*alert, "signature"));
    SetString(f, "rule.category", StringMember(*alert, "category"));
    SetInt(f, "event.severity", IntMember(*alert, "severity"));
    SetString(f, "event.action", StringMember(*alert, "action"));
    if (auto signature = StringMember(*alert, "signature")) e.message.assign(*signature);
  }
  if (auto http = ObjectMember(root, "http")) {
    SetString(f, "url.original", StringMember(*http, "url"));
    SetString(f, "url.domain", StringMember(*http, "hostname"));
    SetString(f, "http.request.method", StringMember(*http, "http_method"));
    SetInt(f, "http.response.status_code", IntMember(*http, "status"));
    SetInt(f, "http.response.body.bytes", IntMember(*http, "length"));
    SetString(f, "http.request.referrer", StringMember(*http, "http_refer"));
    SetString(f, "user_agent.original", StringMember(*http, "http_user_agent"));
    if (auto version = StringMember(*http, "protocol"); version && version->starts_with("HTTP/")) {
      f.Set("http.version", std::string(version->substr(5)));
    }
  }
  if (auto dns = ObjectMember(root, "dns")) {
    // EVE version 2 puts the name in dns.rrname; version 3 in dns.queries[0].rrname.
    std::optional<dom::object> query = dns;
    if (!StringMember(*dns, "rrname")) {
      query.reset();
      dom::array queries;
      dom::object first;
      if (dns->at_key("queries").get(queries) == simdjson::SUCCESS &&
          queries.at(0).get(first) == simdjson::SUCCESS) {
        query = first;
      }
    }
    if (query) {
      SetString(f, "dns.question.name", StringMember(*query, "rrname"));
      SetString(f, "dns.question.type", StringMember(*query, "rrtype"));
    }
    SetString(f, "dns.response_code", StringMember(*dns, "rcode"));
  }
  if (auto tls = ObjectMember(root, "tls")) {
    SetString(f, "tls.server.name", StringMember(*tls, "sni"));
    SetString(f, "tls.server.subject", StringMember(*tls, "subject"));
    SetString(f, "tls.server.issuer", StringMember(*tls, "issuerdn"));
    if (auto ja3 = ObjectMember(*tls, "ja3"))
      SetString(f, "tls.client.ja3", StringMember(*ja3, "hash"));
    if (auto ja3s = ObjectMember(*tls, "ja3s")) {
      SetString(f, "tls.server.ja3s", StringMember(*ja3s, "hash"));
    }
  }
  if (auto flow = ObjectMember(root, "flow")) {
    SetInt(f, "source.bytes", IntMember(*flow, "bytes_toserver"));
    SetInt(f, "source.packets", IntMember(*flow, "pkts_toserver"));
    SetInt(f, "destination.bytes", IntMember(*flow, "bytes_toclient"));
    SetInt(f, "destination.packets", IntMember(*flow, "pkts_toclient"));
  }
  const bool alert = event_type == "alert";
  f.Set("event.kind", std::string(alert ? "alert" : event_type == "stats" ? "metric" : "event"));
  if (alert) {
    f.Set("event.category", std::string("intrusion_detection"));
  } else if (event_type == "http") {
    f.Set("event.category", std::string("web"));
  } else if (event_type == "fileinfo") {
    f.Set("event.category", std::string("file"));
  } else if (event_type != "stats") {
    f.Set("event.category", std::string("network"));
  }
  e.dataset = SuricataDataset(event_type);
}

Status ParseAndDecode(dom::parser& parser, std::string_view text, size_t offset,
                      JsonDialect dialect, Event& event) {
  const std::string_view format = dialect == JsonDialect::kSuricata ? "suricata" : "json";
  size_t lead = 0;
  // Files saved by Windows tools often start with a UTF-8 byte order mark.
  if (text.starts_with("\xEF\xBB\xBF")) lead = 3;
  while (lead < text.size() && decode::IsBlank(text[lead])) ++lead;
  if (lead == text.size() || text[lead] != '{') {
    return decode::DecodeError(format, "expected a JSON object ('{')", offset + lead);
  }
  dom::element root_el;
  const std::string_view json = text.substr(lead);
  if (const auto err = parser.parse(json.data(), json.size()).get(root_el);
      err != simdjson::SUCCESS) {
    return decode::DecodeError(format, simdjson::error_message(err));
  }
  dom::object root;
  if (root_el.get(root) != simdjson::SUCCESS) {
    return decode::DecodeError(format, "the line is not one JSON object");
  }
  if (dialect == JsonDialect::kAny && IsWindowsEventJson(root)) {
    DecodeWindowsJson(*ObjectMember(root, "Event"), event);
    return Status::Ok();
  }
  const auto event_type = StringMember(root, "event_type");
  const bool suricata = dialect == JsonDialect::kSuricata || IsSuricata(root, event_type);
  if (suricata && !event_type) return decode::DecodeError(format, "no event_type field");

  Flattener(event.fields).Object(root);
  event.message.assign(json);
  if (suricata) {
    MapSuricata(root, *event_type, event);
    if (auto ts = Member(root, "timestamp")) {
      if (auto t = TimeOf(*ts)) decode::SetTime(event, *t);
    }
    return Status::Ok();
  }

  event.dataset = "json";
  std::optional<std::string_view> dataset = StringMember(root, "dataset");
  if (!dataset || !IsDatasetName(*dataset)) {
    dataset.reset();
    if (auto ev = ObjectMember(root, "event")) dataset = StringMember(*ev, "dataset");
  }
  if (!dataset || !IsDatasetName(*dataset)) dataset = StringMember(root, "event.dataset");
  if (dataset && IsDatasetName(*dataset)) event.dataset.assign(*dataset);
  for (std::string_view key : {"@timestamp", "timestamp", "time", "ts"}) {
    auto el = Member(root, key);
    if (!el) continue;
    if (auto t = TimeOf(*el)) {
      decode::SetTime(event, *t);
      break;
    }
  }
  for (std::string_view key : {"message", "msg", "log"}) {
    if (auto m = StringMember(root, key)) {
      event.message.assign(*m);
      break;
    }
  }
  return Status::Ok();
}

}  // namespace

Status DecodeJsonPayload(std::string_view text, size_t offset, JsonDialect dialect, Event& event) {
  if (text.size() > kReusableParserBytes) {
    auto parser = std::make_unique<dom::parser>();
    return ParseAndDecode(*parser, text, offset, dialect, event);
  }
  thread_local dom::parser parser;
  return ParseAndDecode(parser, text, offset, dialect, event);
}

namespace {

Result<Event> DecodeJsonLine(std::string_view line, const DecodeContext& ctx, JsonDialect dialect) {
  if (HasSyslogHeader(line)) {
    return DecodeSyslogWithPayload(
        line, ctx,
        dialect == JsonDialect::kSuricata ? SyslogPayload::kSuricata : SyslogPayload::kJson);
  }
  Event e = decode::StartEvent(line, ctx);
  RETURN_IF_ERROR(DecodeJsonPayload(decode::TrimLineEnd(line), 0, dialect, e));
  decode::FinishEvent(e, ctx);
  return e;
}

}  // namespace

Result<Event> DecodeJson(std::string_view line, const DecodeContext& ctx) {
  return DecodeJsonLine(line, ctx, JsonDialect::kAny);
}

Result<Event> DecodeSuricata(std::string_view line, const DecodeContext& ctx) {
  return DecodeJsonLine(line, ctx, JsonDialect::kSuricata);
}

}  // namespace pantau
