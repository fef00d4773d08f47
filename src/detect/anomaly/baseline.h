// The statistics of the series detectors: rings of past bucket values per seasonal slot (hour of
// day, split into workdays and weekends), and the robust band they give (median and MAD), plus
// the small binary encoding the engine's state is saved in (baseline_store.h).
//
// Why median and MAD and not EWMA: the values are kept anyway (the band of each slot needs its
// own history), the median ignores the spikes and silences it is meant to find instead of being
// dragged by them, and there is no decay constant to choose. Counts are noisy when small, so the
// sigma is never below the Poisson noise sqrt(median).
//
// Thread-safety: plain values; the engine's lock guards them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace pantau::anomaly {

constexpr int kHoursPerDay = 24;
constexpr int kSeasonalSlots = 2 * kHoursPerDay;  // workday hours, then weekend hours

// The seasonal slot of `t`: the local hour, +24 on Saturdays and Sundays when `split_weekend`.
int SeasonalSlot(TimeNs t, int utc_offset_minutes, bool split_weekend);

// The last `capacity` values put in, oldest overwritten first.
class ValueRing {
 public:
  void Push(float v, size_t capacity);
  size_t size() const { return values_.size(); }
  std::span<const float> values() const { return values_; }
  void Encode(std::string& out) const;
  bool Decode(std::string_view& in);

 private:
  std::vector<float> values_;
  uint32_t next_ = 0;  // where the next value goes once the ring is full
};

struct RobustStats {
  double median = 0;
  double sigma = 0;  // 1.4826 * MAD, floored as the caller asks
};
// REQUIRES: !values.empty().
RobustStats ComputeRobustStats(std::span<const float> values, double min_sigma, bool poisson_floor);

// Little-endian encoding of the saved state. A Reader's reads return false past the end, so a
// damaged row is reported, never read out of bounds.
void PutU64(std::string& out, uint64_t v);
void PutI64(std::string& out, int64_t v);
void PutF64(std::string& out, double v);
void PutString(std::string& out, std::string_view s);
bool GetU64(std::string_view& in, uint64_t& v);
bool GetI64(std::string_view& in, int64_t& v);
bool GetF64(std::string_view& in, double& v);
bool GetString(std::string_view& in, std::string& s);

}  // namespace pantau::anomaly
