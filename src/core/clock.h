// Clock: the one way Pantau reads the time, injected so that SLA timers, correlation windows and
// retention are tested without sleeping (leveldb's Env, Envoy's simulated time).
//
// Thread-safety: SystemClock is stateless; ManualClock is safe to read and advance from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace pantau {

// Nanoseconds since the Unix epoch, UTC.
using TimeNs = int64_t;

constexpr TimeNs kNsPerSecond = 1'000'000'000;
constexpr TimeNs kNsPerDay = 86'400 * kNsPerSecond;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeNs Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimeNs Now() const override;
  // The process-wide real clock.
  static const Clock& Get();
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeNs start) : now_(start) {}
  TimeNs Now() const override { return now_.load(); }
  void Set(TimeNs t) { now_.store(t); }
  void Advance(TimeNs d) { now_.fetch_add(d); }

 private:
  std::atomic<TimeNs> now_;
};

}  // namespace pantau
