#include "decode/windows.h"

#include <pugixml.hpp>
#include <string>

#include "core/time.h"
#include "decode/common.h"

namespace pantau {
namespace {

namespace dom = simdjson::dom;

// System members that are numbers, kept as numbers for range queries.
bool IsNumericSystemField(std::string_view name) {
  return name == "EventID" || name == "Version" || name == "Level" || name == "Task" ||
         name == "Opcode" || name == "EventRecordID" || name == "Execution_ProcessID" ||
         name == "Execution_ThreadID";
}

void SetSystem(Event& e, const std::string& name, std::string_view text) {
  if (IsNumericSystemField(name)) {
    decode::SetIntOrString(e, name, text);
  } else if (!text.empty()) {
    e.fields.Set(name, std::string(text));
  }
}

std::string DatasetFor(std::string_view channel) {
  if (channel == "Security") return "windows.security";
  if (channel == "System") return "windows.system";
  if (channel == "Application") return "windows.application";
  if (channel == "Microsoft-Windows-Sysmon/Operational") return "windows.sysmon";
  if (channel == "Microsoft-Windows-PowerShell/Operational") return "windows.powershell";
  if (channel == "Windows PowerShell") return "windows.powershell_classic";
  if (channel == "Microsoft-Windows-Windows Defender/Operational") return "windows.defender";
  return "windows";
}

// The message an analyst reads in the event list and full-text search finds: provider, event id
// and the event's data values, "Microsoft-Windows-Sysmon 1: C:\...\whoami.exe | whoami /all".
void SetMessage(Event& e, size_t first_data) {
  constexpr size_t kMaxMessage = 4096;
  const Fields& f = e.fields;
  std::string m = std::string(f.GetString("Provider_Name"));
  if (const Value* id = f.Find("EventID"); id != nullptr) {
    if (const auto* n = std::get_if<int64_t>(id)) m += " " + std::to_string(*n);
  }
  bool first = true;
  for (size_t i = first_data; i < f.items().size() && m.size() < kMaxMessage; ++i) {
    const Value& v = f.items()[i].value;
    std::string text;
    if (const auto* s = std::get_if<std::string>(&v)) {
      text = *s;
    } else if (const auto* n = std::get_if<int64_t>(&v)) {
      text = std::to_string(*n);
    }
    if (text.empty() || text == "-") continue;
    m += first ? ": " : " | ";
    m += text;
    first = false;
  }
  if (m.size() > kMaxMessage) m.resize(kMaxMessage);
  e.message = std::move(m);
  e.flags |= kMessageFromFields;
}

// The ECS fields beside the Windows ones, and the dataset, time and message.
void Finish(Event& e, size_t first_data) {
  SetMessage(e, first_data);
  Fields& f = e.fields;
  const std::string channel(f.GetString("Channel"));
  e.dataset = DatasetFor(channel);
  if (auto t = ParseRfc3339(f.GetString("TimeCreated_SystemTime"))) decode::SetTime(e, *t);
  auto copy = [&](std::string_view from, std::string_view to) {
    if (const Value* v = f.Find(from)) f.SetIfAbsent(to, *v);
  };
  copy("Computer", "host.name");
  copy("EventID", "event.code");
  copy("Provider_Name", "event.provider");
  // Security 4688 carries what Sysmon 1 calls Image and ParentImage under other names.
  copy("NewProcessName", "Image");
  copy("ParentProcessName", "ParentImage");
  copy("CommandLine", "process.command_line");
  copy("Image", "process.executable");
  copy("ParentImage", "process.parent.executable");
  copy("ProcessId", "process.pid");
  copy("TargetUserName", "user.name");
  copy("User", "user.name");
  copy("SubjectUserName", "user.name");
  copy("IpAddress", "source.ip");
  copy("SourceIp", "source.ip");
  copy("DestinationIp", "destination.ip");
  copy("DestinationPort", "destination.port");
  copy("QueryName", "dns.question.name");
  copy("TargetFilename", "file.path");
  copy("TargetObject", "registry.path");
}

// A data item's name as Sigma rules write it: "Threat Name" -> ThreatName (the Sigma
// specification: field names as in the log source, spaces stripped).
std::string DataName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c != ' ') out += c;
  }
  return out;
}

// --- JSON ---

void PutJson(Event& e, const std::string& name, dom::element el) {
  switch (el.type()) {
    case dom::element_type::STRING: {
      std::string_view s;
      if (el.get(s) == simdjson::SUCCESS) e.fields.Set(name, std::string(s));
      return;
    }
    case dom::element_type::INT64: {
      int64_t v;
      if (el.get(v) == simdjson::SUCCESS) e.fields.Set(name, v);
      return;
    }
    case dom::element_type::UINT64: {
      uint64_t v;
      if (el.get(v) == simdjson::SUCCESS) e.fields.Set(name, std::to_string(v));
      return;
    }
    case dom::element_type::DOUBLE: {
      double v;
      if (el.get(v) == simdjson::SUCCESS) e.fields.Set(name, v);
      return;
    }
    case dom::element_type::BOOL: {
      bool v;
      if (el.get(v) == simdjson::SUCCESS) e.fields.Set(name, v);
      return;
    }
    case dom::element_type::NULL_VALUE:
      return;  // an empty element: nothing to match
    case dom::element_type::ARRAY:
    case dom::element_type::OBJECT:
      e.fields.Set(name, simdjson::to_string(el));
      return;
  }
}

// A System member: a value, or {"#attributes": {...}, "#text": value}.
void SystemJson(Event& e, std::string_view key, dom::element el) {
  dom::object obj;
  if (el.get(obj) != simdjson::SUCCESS) {
    PutJson(e, std::string(key), el);
    return;
  }
  for (dom::key_value_pair member : obj) {
    if (member.key == "#attributes") {
      dom::object attrs;
      if (member.value.get(attrs) != simdjson::SUCCESS) continue;
      for (dom::key_value_pair a : attrs) {
        PutJson(e, std::string(key) + "_" + std::string(a.key), a.value);
      }
    } else if (member.key == "#text") {
      PutJson(e, std::string(key), member.value);
    }
  }
}

// EventData and UserData: named values, by leaf name.
void DataJson(Event& e, dom::object obj) {
  for (dom::key_value_pair member : obj) {
    if (member.key == "#attributes" || e.fields.size() >= decode::kMaxSourceFields) continue;
    dom::object inner;
    if (member.value.get(inner) == simdjson::SUCCESS) {
      DataJson(e, inner);
    } else {
      PutJson(e, DataName(member.key), member.value);
    }
  }
}

// --- XML ---

void DataXml(Event& e, const pugi::xml_node& parent) {
  size_t unnamed = 0;
  for (const pugi::xml_node& child : parent.children()) {
    if (child.type() != pugi::node_element || e.fields.size() >= decode::kMaxSourceFields) continue;
    const pugi::xml_attribute name = child.attribute("Name");
    if (name) {
      const std::string_view text = child.text().get();
      if (!text.empty()) e.fields.Set(DataName(name.value()), std::string(text));
    } else if (child.first_child().type() == pugi::node_element) {
      DataXml(e, child);
    } else if (const std::string_view text = child.text().get(); !text.empty()) {
      // Unnamed <Data> elements (classic event sources) are numbered: Data, Data_1, ...
      std::string key = child.name();
      if (key == "Data" && unnamed++ > 0) key += "_" + std::to_string(unnamed - 1);
      e.fields.Set(key, std::string(text));
    }
  }
}

}  // namespace

bool IsWindowsEventJson(dom::object root) {
  dom::object ev, system;
  return root.at_key("Event").get(ev) == simdjson::SUCCESS &&
         ev.at_key("System").get(system) == simdjson::SUCCESS;
}

void DecodeWindowsJson(dom::object event_object, Event& event) {
  dom::object system;
  if (event_object.at_key("System").get(system) == simdjson::SUCCESS) {
    for (dom::key_value_pair member : system) SystemJson(event, member.key, member.value);
  }
  const size_t first_data = event.fields.size();
  for (std::string_view part : {"EventData", "UserData"}) {
    dom::object data;
    if (event_object.at_key(part).get(data) == simdjson::SUCCESS) DataJson(event, data);
  }
  Finish(event, first_data);
}

Result<Event> DecodeWindowsXml(std::string_view xml, const DecodeContext& ctx) {
  Event event = decode::StartEvent(xml, ctx);
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return decode::DecodeError("windows", std::string("XML: ") + parsed.description(),
                               static_cast<size_t>(parsed.offset));
  }
  const pugi::xml_node root = doc.child("Event");
  const pugi::xml_node system = root.child("System");
  if (!system) return decode::DecodeError("windows", "no <Event><System> element");
  for (const pugi::xml_node& child : system.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string name = child.name();
    for (const pugi::xml_attribute& a : child.attributes()) {
      SetSystem(event, name + "_" + a.name(), a.value());
    }
    if (const std::string_view text = child.text().get(); !text.empty()) {
      SetSystem(event, name, text);
    }
  }
  const size_t first_data = event.fields.size();
  for (const char* part : {"EventData", "UserData"}) {
    if (const pugi::xml_node data = root.child(part)) DataXml(event, data);
  }
  Finish(event, first_data);
  decode::FinishEvent(event, ctx);
  return event;
}

}  // namespace pantau
