// Metrics: counters and gauges rendered in the Prometheus text format for GET /metrics.
// Counters are registered once at start-up and then bumped lock-free on the hot path.
//
// Thread-safety: registration and rendering take a mutex; Counter::Add is a relaxed atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace pantau {

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Metrics {
 public:
  // `labels` is the inside of the braces, e.g. listener="syslog-udp", or empty. Asking twice for
  // the same name and labels gives the same counter. The reference stays valid for the registry's
  // life.
  Counter& GetCounter(std::string_view name, std::string_view help, std::string_view labels = {});
  // A value read when /metrics is rendered (queue depth, open connections).
  void AddGauge(std::string_view name, std::string_view help, std::string_view labels,
                std::function<double()> read);

  std::string RenderPrometheus() const;

 private:
  struct Series {
    std::string name, help, labels;
    bool is_counter;
    Counter counter;
    std::function<double()> gauge;
  };
  mutable std::mutex mu_;
  std::deque<Series> series_;  // GUARDED_BY(mu_); a deque keeps addresses stable
};

}  // namespace pantau
