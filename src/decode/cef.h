// ArcSight Common Event Format, with or without a syslog header:
// CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
// Header fields become cef.*, extension keys cef.extensions.<key>, beside the Elastic Common
// Schema fields (README.md has the mapping).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/event.h"
#include "core/status.h"
#include "decode/decoder.h"

namespace pantau {

Result<Event> DecodeCef(std::string_view line, const DecodeContext& ctx);

// Decodes `text` (starting with "CEF:", `offset` bytes into the line) into `event`, which may
// already hold a syslog header's fields. Leaves `event` unchanged when it fails.
Status DecodeCefPayload(std::string_view text, size_t offset, Event& event);

}  // namespace pantau
