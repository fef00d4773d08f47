// BoundedQueue: the only connection between pipeline stages (listeners -> decoder -> writer).
// Bounded in items so that a slow store pushes back on its senders instead of growing memory:
// a TCP reader waits, HTTP ingest answers 503, UDP counts a drop.
//
// Capacity is counted in units that the producer states per item (events in a batch), so a queue
// of batches is bounded by the events it holds. An item larger than the whole capacity is let in
// when the queue is empty, so that it can never wait forever.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace pantau {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}

  // Waits for room; false when the queue was closed (the item is not taken).
  bool Push(T item, size_t cost = 1) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || Fits(cost); });
    if (closed_) return false;
    Add(std::move(item), cost);
    return true;
  }

  // Takes the item only if there is room now.
  bool TryPush(T& item, size_t cost = 1) {
    std::lock_guard lock(mu_);
    if (closed_ || !Fits(cost)) return false;
    Add(std::move(item), cost);
    return true;
  }

  // Moves up to `max` items into `out` (appending), waiting up to `timeout` for the first one.
  // Returns false once the queue is closed and empty: the consumer's signal to stop.
  template <typename Rep, typename Period>
  bool PopBatch(std::vector<T>& out, size_t max, std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mu_);
    not_empty_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return !closed_;
    const size_t n = std::min(max, items_.size());
    for (size_t i = 0; i < n; ++i) {
      used_ -= items_.front().cost;
      out.push_back(std::move(items_.front().item));
      items_.pop_front();
    }
    not_full_.notify_all();
    return true;
  }

  // After Close, pushes fail and consumers drain what is left, then stop.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  // Units held now.
  size_t size() const {
    std::lock_guard lock(mu_);
    return used_;
  }
  size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    T item;
    size_t cost;
  };
  // REQUIRES: mu_ held.
  bool Fits(size_t cost) const { return items_.empty() || used_ + cost <= capacity_; }
  // REQUIRES: mu_ held.
  void Add(T item, size_t cost) {
    items_.push_back({std::move(item), cost});
    used_ += cost;
    not_empty_.notify_one();
  }

  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<Entry> items_;  // GUARDED_BY(mu_)
  size_t used_ = 0;          // GUARDED_BY(mu_)
  bool closed_ = false;      // GUARDED_BY(mu_)
};

}  // namespace pantau
