// Fuzz target for the decoders: the first byte picks the format (auto or forced), the rest is
// one line. Decode must never crash, never fail to keep the line byte-exact in raw, and always
// say why when it could not decode.
#include <cstdint>
#include <cstdlib>

#include "decode/decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  constexpr pantau::Format kFormats[] = {pantau::Format::kAuto,     pantau::Format::kSyslog,
                                         pantau::Format::kJson,     pantau::Format::kFortigate,
                                         pantau::Format::kCef,      pantau::Format::kWebAccess,
                                         pantau::Format::kSuricata, pantau::Format::kRaw};
  const auto format = kFormats[data[0] % std::size(kFormats)];
  const std::string_view line(reinterpret_cast<const char*>(data + 1), size - 1);
  pantau::DecodeContext ctx;
  ctx.received = 1'795'000'000'000'000'000;
  ctx.input = "file";
  const pantau::Event e = pantau::Decode(line, format, ctx);
  if (e.raw != line) std::abort();
  if ((e.flags & pantau::kDecodeError) != 0 && e.error.empty()) std::abort();
  return 0;
}
