// Reads evidence files into decoded events, for offline hunting: Windows EVTX (libevtx), JSON
// (one object per line, concatenated or pretty-printed objects, or an array of them, as EVTX
// tools export), and every line format of the decoders; plain or gzip. Folders are read
// recursively in name order.
//
// Damage never stops a read: a corrupt EVTX record or a JSON document that does not parse is
// reported through on_problem with the file and where, and reading goes on.
//
// Thread-safety: runs on the caller's thread; callbacks are called there.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "decode/decoder.h"

namespace pantau {

struct EventFileProgress {
  std::string file;
  uint64_t bytes_done = 0;  // of all files, as sizes on disk
  uint64_t bytes_total = 0;
  uint64_t events = 0;
  // EVTX records libevtx recovers from a file's free space (deleted or overwritten events): those
  // read, and those too damaged to read, which are common and so counted, not reported one by one.
  uint64_t recovered = 0;
  uint64_t recovered_unreadable = 0;
};

struct EventFileOptions {
  Format format = Format::kAuto;  // for line files
  // The event is the callee's to keep (it may move from it).
  std::function<void(const std::string& file, Event& event)> on_event;
  std::function<void(const std::string& file, const std::string& problem)> on_problem;
  std::function<void(const EventFileProgress&)> on_progress;  // now and then, and at the end
};

// Fails before reading when a path does not exist or cannot be opened.
Result<EventFileProgress> ReadEventFiles(const std::vector<std::string>& paths,
                                         const EventFileOptions& options);

}  // namespace pantau
