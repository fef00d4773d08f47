#include "ingest/file_import.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ingest/line_splitter.h"

namespace pantau {
namespace {

constexpr size_t kChunk = 1 << 20;
constexpr size_t kLinesPerBatch = 4096;

}  // namespace

Result<ImportProgress> ImportFiles(const std::vector<std::string>& paths,
                                   const ImportOptions& options, Pipeline& pipeline,
                                   const Clock& clock) {
  ImportProgress progress;
  for (const auto& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      return InvalidArgument(path + ": is a directory; name the files to import");
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return InvalidArgument(path + ": cannot read: " + ec.message());
    progress.bytes_total += size;
  }
  InputCounters& counters = pipeline.counters(Input::kFile);
  std::vector<char> buf(kChunk);
  for (const auto& path : paths) {
    // gzopen reads plain files transparently, so .gz is recognised by content, not by name.
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) return InvalidArgument(path + ": cannot open: " + std::strerror(errno));
    gzbuffer(gz, kChunk);
    progress.file = path;
    const uint64_t base = progress.bytes_done;
    LineSplitter splitter(options.max_line_bytes);
    RawBatch batch;
    auto submit = [&] {
      if (batch.lines.empty()) return true;
      const size_t n = batch.lines.size();
      if (!pipeline.Submit(std::move(batch))) return false;
      counters.received->Add(n);
      batch = RawBatch{};
      return true;
    };
    auto emit = [&](std::string line, bool truncated) {
      if (batch.lines.empty()) {
        batch.input = Input::kFile;
        batch.format = options.format;
        batch.lines.reserve(kLinesPerBatch);
      }
      counters.bytes->Add(line.size());
      if (truncated) counters.truncated->Add();
      batch.lines.push_back({std::move(line), clock.Now(), truncated ? uint32_t{kTruncated} : 0u});
      ++progress.lines;
    };
    Status status;
    while (true) {
      const int n = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()));
      if (n < 0) {
        int errnum = 0;
        status = InvalidArgument(path + ": read failed after " + std::to_string(progress.lines) +
                                 " lines: " + gzerror(gz, &errnum));
        break;
      }
      if (n == 0) break;
      splitter.Feed(std::string_view(buf.data(), n), emit);
      if (batch.lines.size() >= kLinesPerBatch) {
        if (!submit()) return Unavailable("import interrupted");
      }
      progress.bytes_done = base + static_cast<uint64_t>(gzoffset(gz));
      if (options.on_progress) options.on_progress(progress);
    }
    splitter.Flush(emit);
    const auto gzoffset_at_end = gzoffset(gz);
    gzclose(gz);
    // Lines read before a read error (a truncated .gz) are still stored.
    if (!submit()) return Unavailable("import interrupted");
    if (!status.ok()) return status;
    std::error_code size_ec;  // the file may have been rotated away meanwhile
    const auto size = std::filesystem::file_size(path, size_ec);
    progress.bytes_done = base + (size_ec ? static_cast<uint64_t>(gzoffset_at_end) : size);
  }
  if (options.on_progress) options.on_progress(progress);
  return progress;
}

}  // namespace pantau
