// Windows events, in the two forms they travel in: the XML of the event log (EVTX records,
// wevtutil, forwarded events) and the JSON that EVTX tools export
// ({"Event": {"System": ..., "EventData": ...}}).
//
// Field names are those Sigma rules use: System elements by name (EventID, Channel, Computer),
// their attributes joined with an underscore (Provider_Name, TimeCreated_SystemTime,
// Execution_ProcessID), EventData by each Data element's Name, UserData by leaf element name.
// Beside them: ECS fields (host.name, event.code, process.command_line, ...), and for Security
// 4688 the Sysmon names Image and ParentImage, so that process_creation rules read both. The
// dataset comes from the channel: windows.security, windows.sysmon, windows.powershell, ...
// The message is the provider, the event id and the data values ("Microsoft-Windows-Sysmon 1:
// C:\Windows\System32\whoami.exe | whoami /all | ..."), for the event list and full-text search.
//
// Thread-safety: pure functions.
#pragma once

#include <simdjson.h>

#include <string_view>

#include "core/event.h"
#include "core/status.h"
#include "decode/decoder.h"

namespace pantau {

// Decodes the XML of one event (raw is the XML); fails when it is not an event's XML.
Result<Event> DecodeWindowsXml(std::string_view xml, const DecodeContext& ctx);

// Decodes the JSON form; `event_object` is the value of the root's "Event" key.
void DecodeWindowsJson(simdjson::dom::object event_object, Event& event);

// True when a JSON root object is the exported form of a Windows event.
bool IsWindowsEventJson(simdjson::dom::object root);

}  // namespace pantau
