// Fuzz target for SyslogFramer: arbitrary bytes, split into chunks at positions taken from the
// input itself, must never crash, and every emitted line must respect the limit.
#include <cstdint>
#include <cstdlib>

#include "ingest/framing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t max_line = 1 + data[0] % 200;
  const size_t chunk = 1 + data[1] % 64;
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  pantau::SyslogFramer framer(max_line);
  std::vector<pantau::RawLine> out;
  while (!rest.empty()) {
    const size_t n = std::min(chunk, rest.size());
    if (!framer.Feed(rest.substr(0, n), 0, out).ok()) break;
    rest.remove_prefix(n);
  }
  framer.Finish(0, out);
  for (const auto& line : out) {
    if (line.bytes.size() > max_line) std::abort();
  }
  return 0;
}
