// File import: reads log files (plain or gzip, told apart by their first bytes) line by line
// into the Pipeline, for `pantau import`.
//
// Thread-safety: ImportFiles runs on the caller's thread; the callback is called there too.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/pipeline.h"

namespace pantau {

struct ImportProgress {
  std::string file;
  uint64_t bytes_done = 0;   // of all files, as read from disk (compressed for .gz)
  uint64_t bytes_total = 0;  // of all files on disk
  uint64_t lines = 0;
};

struct ImportOptions {
  Format format = Format::kAuto;
  size_t max_line_bytes = 64 * 1024;
  // Called every few thousand lines and once at the end.
  std::function<void(const ImportProgress&)> on_progress;
};

// Reads every file into `pipeline`. Fails before reading anything when a file cannot be opened,
// so a typo in the last name does not leave a half import.
Result<ImportProgress> ImportFiles(const std::vector<std::string>& paths,
                                   const ImportOptions& options, Pipeline& pipeline,
                                   const Clock& clock);

}  // namespace pantau
