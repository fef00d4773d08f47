#include "core/clock.h"

#include <chrono>

namespace pantau {

TimeNs SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const Clock& SystemClock::Get() {
  static const SystemClock kClock;
  return kClock;
}

}  // namespace pantau
