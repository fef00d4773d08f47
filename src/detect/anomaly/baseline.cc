#include "detect/anomaly/baseline.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace pantau::anomaly {
namespace {

// Strings in saved state are names and keys; anything longer is damage.
constexpr uint64_t kMaxSavedString = 1 << 16;

double Median(std::vector<float>& v) {
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(mid), v.end());
  double m = v[mid];
  if (v.size() % 2 == 0) {
    m = (m + *std::max_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(mid))) / 2;
  }
  return m;
}

}  // namespace

int SeasonalSlot(TimeNs t, int utc_offset_minutes, bool split_weekend) {
  const int64_t local_s = t / kNsPerSecond + int64_t{utc_offset_minutes} * 60;
  int64_t day = local_s / 86400;
  int64_t second_of_day = local_s % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --day;
  }
  const int hour = static_cast<int>(second_of_day / 3600);
  // 1970-01-01 was a Thursday: (day + 4) % 7 is 0 on Sundays, 6 on Saturdays.
  int64_t weekday = (day + 4) % 7;
  if (weekday < 0) weekday += 7;
  const bool weekend = weekday == 0 || weekday == 6;
  return hour + (split_weekend && weekend ? kHoursPerDay : 0);
}

void ValueRing::Push(float v, size_t capacity) {
  if (values_.size() < capacity) {
    values_.push_back(v);
    return;
  }
  if (values_.size() > capacity) {  // the capacity was lowered by configuration
    values_.erase(values_.begin(),
                  values_.begin() + static_cast<ptrdiff_t>(values_.size() - capacity));
    next_ = 0;
  }
  if (next_ >= values_.size()) next_ = 0;
  values_[next_] = v;
  next_ = (next_ + 1) % static_cast<uint32_t>(values_.size());
}

void ValueRing::Encode(std::string& out) const {
  PutU64(out, values_.size());
  PutU64(out, next_);
  for (float v : values_) PutF64(out, v);
}

bool ValueRing::Decode(std::string_view& in) {
  uint64_t n = 0, next = 0;
  if (!GetU64(in, n) || !GetU64(in, next) || n > 100'000) return false;
  values_.clear();
  values_.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    double v = 0;
    if (!GetF64(in, v)) return false;
    values_.push_back(static_cast<float>(v));
  }
  next_ = static_cast<uint32_t>(n == 0 ? 0 : next % n);
  return true;
}

RobustStats ComputeRobustStats(std::span<const float> values, double min_sigma,
                               bool poisson_floor) {
  std::vector<float> v(values.begin(), values.end());
  RobustStats s;
  s.median = Median(v);
  for (float& x : v) x = static_cast<float>(std::fabs(x - s.median));
  const double mad = Median(v);
  s.sigma = std::max(1.4826 * mad, min_sigma);
  if (poisson_floor) s.sigma = std::max(s.sigma, std::sqrt(std::max(s.median, 1.0)));
  return s;
}

void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void PutI64(std::string& out, int64_t v) { PutU64(out, static_cast<uint64_t>(v)); }
void PutF64(std::string& out, double v) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  PutU64(out, bits);
}
void PutString(std::string& out, std::string_view s) {
  PutU64(out, s.size());
  out += s;
}

bool GetU64(std::string_view& in, uint64_t& v) {
  if (in.size() < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  in.remove_prefix(8);
  return true;
}
bool GetI64(std::string_view& in, int64_t& v) {
  uint64_t u = 0;
  if (!GetU64(in, u)) return false;
  v = static_cast<int64_t>(u);
  return true;
}
bool GetF64(std::string_view& in, double& v) {
  uint64_t bits = 0;
  if (!GetU64(in, bits)) return false;
  std::memcpy(&v, &bits, sizeof v);
  return true;
}
bool GetString(std::string_view& in, std::string& s) {
  uint64_t n = 0;
  if (!GetU64(in, n) || n > kMaxSavedString || in.size() < n) return false;
  s.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

}  // namespace pantau::anomaly
