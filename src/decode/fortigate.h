// FortiGate key=value logs (traffic, UTM and event logs), with or without a syslog header.
// Every key is kept under its own name (srcip, action, policyname) beside the Elastic Common
// Schema fields; see README.md for the mapping and the datasets.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/event.h"
#include "core/status.h"
#include "decode/decoder.h"

namespace pantau {

Result<Event> DecodeFortigate(std::string_view line, const DecodeContext& ctx);

// Decodes the key=value text `kv`, which starts `offset` bytes into the line, into `event`,
// which may already hold a syslog header's fields (so they stay in one event without copying).
// Leaves `event` unchanged when it fails.
Status DecodeFortigatePayload(std::string_view kv, size_t offset, Event& event);

}  // namespace pantau
