#include "ingest/event_files.h"

#include <fmt/format.h>
#include <libevtx.h>
#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include "core/clock.h"
#include "core/files.h"
#include "decode/windows.h"
#include "ingest/line_splitter.h"

namespace pantau {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = 1 << 20;
constexpr size_t kMaxLine = 1 << 20;
// A file of pretty-printed JSON documents is parsed whole; past this size it should be JSON lines.
constexpr size_t kMaxJsonDocumentFile = size_t{1} << 31;

class Reader {
 public:
  Reader(const EventFileOptions& options, EventFileProgress& progress)
      : options_(options), progress_(progress) {}

  Status Read(const std::string& path) {
    progress_.file = path;
    const uint64_t base = progress_.bytes_done;
    std::error_code ec;
    const uint64_t size = fs::file_size(path, ec);
    Status s = IsEvtx(path) ? ReadEvtx(path) : ReadText(path, base);
    progress_.bytes_done = base + (ec ? 0 : size);
    Progress();
    return s;
  }

 private:
  static bool IsEvtx(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return false;
    char magic[8] = {};
    const size_t n = std::fread(magic, 1, sizeof magic, f);
    std::fclose(f);
    return n == sizeof magic && std::memcmp(magic, "ElfFile\0", 8) == 0;
  }

  void Emit(Event&& e) {
    ++progress_.events;
    options_.on_event(progress_.file, e);
    if (progress_.events % 4096 == 0) Progress();
  }
  void Problem(const std::string& what) {
    if (options_.on_problem) options_.on_problem(progress_.file, what);
  }
  void Progress() {
    if (options_.on_progress) options_.on_progress(progress_);
  }
  DecodeContext Context() const {
    DecodeContext ctx;
    ctx.received = SystemClock().Now();
    ctx.input = "file";
    return ctx;
  }

  static std::string EvtxError(libevtx_error_t* error) {
    char buf[512] = {};
    if (error != nullptr) {
      libevtx_error_sprint(error, buf, sizeof buf);
      libevtx_error_free(&error);
    }
    std::string s(buf);
    std::replace(s.begin(), s.end(), '\n', ' ');
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s.empty() ? "unknown error" : s;
  }

  // One record as an event, or nullopt with the reason.
  static std::optional<Event> ReadRecord(libevtx_file_t* file, int index, bool recovered,
                                         const DecodeContext& ctx, std::string& reason) {
    libevtx_error_t* error = nullptr;
    libevtx_record_t* record = nullptr;
    const int got = recovered
                        ? libevtx_file_get_recovered_record_by_index(file, index, &record, &error)
                        : libevtx_file_get_record_by_index(file, index, &record, &error);
    std::string xml;
    size_t size = 0;
    if (got == 1 && libevtx_record_get_utf8_xml_string_size(record, &size, &error) == 1 &&
        size > 0) {
      xml.resize(size);
      if (libevtx_record_get_utf8_xml_string(record, reinterpret_cast<uint8_t*>(xml.data()), size,
                                             &error) == 1) {
        xml.resize(size - 1);  // the terminating NUL
      } else {
        xml.clear();
      }
    }
    if (record != nullptr) libevtx_record_free(&record, nullptr);
    if (xml.empty()) {
      reason = EvtxError(error);
      return std::nullopt;
    }
    auto e = DecodeWindowsXml(xml, ctx);
    if (!e.ok()) {
      reason = e.status().message();
      return std::nullopt;
    }
    return std::move(*e);
  }

  Status ReadEvtx(const std::string& path) {
    libevtx_file_t* file = nullptr;
    libevtx_error_t* error = nullptr;
    if (libevtx_file_initialize(&file, &error) != 1) {
      return Internal(fmt::format("{}: {}", path, EvtxError(error)));
    }
    if (libevtx_file_open(file, path.c_str(), LIBEVTX_OPEN_READ, &error) != 1) {
      const std::string why = EvtxError(error);
      libevtx_file_free(&file, nullptr);
      return InvalidArgument(fmt::format("{}: not a readable EVTX file: {}", path, why));
    }
    if (libevtx_file_is_corrupted(file, nullptr) == 1) {
      Problem("the file is marked corrupted; reading what can be read");
    }
    const DecodeContext ctx = Context();
    // Records the file still lists, then those libevtx recovers from its free space; damage in
    // the latter is common and expected, so it is counted rather than reported.
    auto read_records = [&](bool recovered) {
      int count = 0;
      const int ok = recovered ? libevtx_file_get_number_of_recovered_records(file, &count, &error)
                               : libevtx_file_get_number_of_records(file, &count, &error);
      if (ok != 1) {
        Problem(fmt::format("cannot count {}records: {}", recovered ? "recovered " : "",
                            EvtxError(error)));
        error = nullptr;
        return;
      }
      for (int i = 0; i < count; ++i) {
        std::string reason;
        auto event = ReadRecord(file, i, recovered, ctx, reason);
        if (event) {
          if (recovered) ++progress_.recovered;
          Emit(std::move(*event));
        } else if (recovered) {
          ++progress_.recovered_unreadable;
        } else {
          Problem(fmt::format("record {}: {}", i, reason));
        }
      }
    };
    read_records(false);
    read_records(true);
    libevtx_file_close(file, nullptr);
    libevtx_file_free(&file, nullptr);
    return Status::Ok();
  }

  Status ReadText(const std::string& path, uint64_t base) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) return InvalidArgument(path + ": cannot open: " + std::strerror(errno));
    gzbuffer(gz, kChunk);
    std::string head;
    std::vector<char> buf(kChunk);
    Status status;
    bool decided = false, documents = false;
    LineSplitter splitter(kMaxLine);
    const DecodeContext ctx = Context();
    auto emit_line = [&](const std::string& line, bool truncated) {
      Event e = Decode(line, options_.format, ctx);
      if (truncated) e.flags |= kTruncated;
      Emit(std::move(e));
    };
    while (true) {
      const int n = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()));
      if (n < 0) {
        int errnum = 0;
        status = InvalidArgument(fmt::format("{}: read failed: {}", path, gzerror(gz, &errnum)));
        break;
      }
      if (n == 0) break;
      const std::string_view chunk(buf.data(), static_cast<size_t>(n));
      if (!decided || documents) {
        head.append(chunk);
        if (!decided && (head.find('\n') != std::string::npos || head.size() >= kChunk)) {
          documents = IsJsonDocumentFile(head);
          decided = true;
          if (!documents) {
            splitter.Feed(head, emit_line);
            head.clear();
          }
        }
        if (documents && head.size() > kMaxJsonDocumentFile) {
          status = InvalidArgument(
              fmt::format("{}: a JSON document file over {} bytes; convert it to JSON lines", path,
                          kMaxJsonDocumentFile));
          break;
        }
      } else {
        splitter.Feed(chunk, emit_line);
      }
      progress_.bytes_done = base + static_cast<uint64_t>(gzoffset(gz));
    }
    gzclose(gz);
    if (!decided) documents = IsJsonDocumentFile(head);
    if (documents) {
      ReadJsonDocuments(head);
    } else {
      splitter.Feed(head, emit_line);
      splitter.Flush(emit_line);
    }
    return status;
  }

  // True for a file that starts with a JSON array, or with an object that does not end on its
  // first line (pretty-printed documents); JSON lines are read line by line instead.
  static bool IsJsonDocumentFile(std::string_view head) {
    const size_t start = head.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return false;
    if (head[start] == '[') return true;
    if (head[start] != '{') return false;
    std::string_view first = head.substr(start, head.find('\n', start) - start);
    while (!first.empty() && (first.back() == '\r' || first.back() == ' ')) first.remove_suffix(1);
    return first.empty() || first.back() != '}';
  }

  void ReadJsonDocuments(const std::string& text) {
    const DecodeContext ctx = Context();
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(text);
    const size_t start = text.find_first_not_of(" \t\r\n");
    if (start != std::string::npos && text[start] == '[') {
      simdjson::dom::array array;
      if (auto err = parser.parse(padded).get(array); err) {
        Problem(fmt::format("JSON array: {}", simdjson::error_message(err)));
        return;
      }
      for (simdjson::dom::element el : array) {
        const std::string doc = simdjson::to_string(el);
        Emit(Decode(doc, Format::kJson, ctx));
      }
      return;
    }
    simdjson::dom::document_stream stream;
    const size_t batch = std::max<size_t>(text.size() + 1, simdjson::dom::DEFAULT_BATCH_SIZE);
    if (auto err = parser.parse_many(padded, batch).get(stream); err) {
      Problem(fmt::format("JSON: {}", simdjson::error_message(err)));
      return;
    }
    size_t index = 0;
    for (auto it = stream.begin(); it != stream.end(); ++it, ++index) {
      simdjson::dom::element el;
      if (auto err = (*it).get(el); err) {
        Problem(fmt::format("JSON document {} at byte {}: {}; the rest of the file is not read",
                            index + 1, it.current_index(), simdjson::error_message(err)));
        return;
      }
      Emit(Decode(it.source(), Format::kJson, ctx));
    }
    if (stream.truncated_bytes() > 0) {
      Problem(fmt::format("the last {} bytes are not a complete JSON document",
                          stream.truncated_bytes()));
    }
  }

  const EventFileOptions& options_;
  EventFileProgress& progress_;
};

}  // namespace

Result<EventFileProgress> ReadEventFiles(const std::vector<std::string>& paths,
                                         const EventFileOptions& options) {
  std::vector<std::string> files;
  RETURN_IF_ERROR(CollectFiles(
      paths, [](const std::string&) { return true; }, files));
  EventFileProgress progress;
  for (const std::string& f : files) {
    std::error_code ec;
    progress.bytes_total += fs::file_size(f, ec);
  }
  Reader reader(options, progress);
  for (const std::string& f : files) RETURN_IF_ERROR(reader.Read(f));
  return progress;
}

}  // namespace pantau
