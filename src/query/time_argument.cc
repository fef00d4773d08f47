#include "query/time_argument.h"

#include <charconv>

#include "core/time.h"

namespace pantau::query {

Result<TimeNs> ParseTimeArgument(std::string_view text, TimeNs now, std::string_view what) {
  if (auto t = ParseRfc3339(text)) return *t;
  auto bad = [&] {
    return InvalidArgument(std::string(what) + ": '" + std::string(text.substr(0, 64)) +
                           "' is neither an RFC 3339 time nor now-<N><s|m|h|d|w>");
  };
  if (text.substr(0, 3) != "now") return bad();
  text.remove_prefix(3);
  if (text.empty()) return now;
  const char sign = text[0];
  if ((sign != '-' && sign != '+') || text.size() < 3) return bad();
  int64_t n = 0;
  const char* begin = text.data() + 1;
  const char* end = text.data() + text.size() - 1;
  auto r = std::from_chars(begin, end, n);
  if (r.ec != std::errc() || r.ptr != end || n > 100'000'000) return bad();
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7 * 86400;
      break;
    default:
      return bad();
  }
  // At most 200 years either way, so that the nanoseconds cannot overflow.
  constexpr int64_t kMaxSeconds = 200LL * 366 * 86400;
  if (n > kMaxSeconds / unit) return bad();
  const TimeNs delta = n * unit * kNsPerSecond;
  return sign == '-' ? now - delta : now + delta;
}

}  // namespace pantau::query
