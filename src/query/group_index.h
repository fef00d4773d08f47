// GroupIndex: the hash table behind aggregations, numbering groups by their key bytes.
//
// Thread-safety: none; one aggregation owns one.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pantau::query {

// Zeroed memory for a hash table's slots. Random lookups in hundreds of megabytes miss the TLB
// on every probe with 4 KiB pages; asking for transparent huge pages before the memory is first
// touched (the kernel grants them where it can) avoids most of those misses.
template <typename T>
class SlotArray {
 public:
  SlotArray() = default;
  explicit SlotArray(size_t n) : size_(n), bytes_(n * sizeof(T)) {
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, bytes_, MADV_HUGEPAGE);
    data_ = static_cast<T*>(p);
  }
  SlotArray(SlotArray&& o) noexcept { *this = std::move(o); }
  SlotArray& operator=(SlotArray&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(bytes_, o.bytes_);
    return *this;
  }
  ~SlotArray() {
    if (data_) munmap(data_, bytes_);
  }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* begin() const { return data_; }
  T* end() const { return data_ + size_; }

 private:
  T* data_ = nullptr;
  size_t size_ = 0, bytes_ = 0;
};

// Groups numbered in order of arrival, found by their key bytes: open addressing over one arena
// of keys. A node-based hash map allocates per group, which with millions of groups (one per
// source IP) was most of the time. A slot holds the group and 32 bits of its key's hash, so a
// probe reads one cache line and the key only when those bits agree.
class GroupIndex {
 public:
  // Keyed (SipHash with a key drawn per process): the keys are log content, and with an
  // unkeyed hash a sender could craft values that all collide and turn each insert into a walk
  // of the whole table.
  static uint32_t Hash(std::string_view key);
  // Asks the CPU to load the slot where a lookup of a key with this hash starts.
  void Prefetch(uint32_t fingerprint) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[fingerprint & (slots_.size() - 1)]);
  }
  // The group of `key` (whose Hash is `fingerprint`), and whether it is new (then numbered
  // size() - 1).
  std::pair<uint32_t, bool> Insert(std::string_view key, uint32_t fingerprint) {
    if ((size() + 1) * 10 > slots_.size() * 7) Grow();  // at most 70% full
    const size_t mask = slots_.size() - 1;
    for (size_t i = fingerprint & mask;; i = (i + 1) & mask) {
      const Slot slot = slots_[i];
      if (slot.group == 0) {
        const auto g = static_cast<uint32_t>(size());
        arena_.append(key);
        starts_.push_back(static_cast<uint32_t>(arena_.size()));
        slots_[i] = Slot{g + 1, fingerprint};
        return {g, true};
      }
      if (slot.fingerprint == fingerprint && Key(slot.group - 1) == key) {
        return {slot.group - 1, false};
      }
    }
  }
  std::string_view Key(uint32_t g) const {
    return std::string_view(arena_).substr(starts_[g], starts_[g + 1] - starts_[g]);
  }
  size_t size() const { return starts_.size() - 1; }
  size_t key_bytes() const { return arena_.size(); }

 private:
  struct Slot {
    uint32_t group = 0;  // group + 1; 0 is free
    uint32_t fingerprint = 0;
  };

  void Grow() {
    SlotArray<Slot> old(std::max<size_t>(1024, slots_.size() * 2));
    std::swap(old, slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.group == 0) continue;
      size_t i = slot.fingerprint & mask;
      while (slots_[i].group != 0) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  SlotArray<Slot> slots_;
  std::string arena_;
  // Group g's key is arena_[starts_[g], starts_[g + 1]); aggregations stop at 1 GiB of keys.
  std::vector<uint32_t> starts_{0};
};

}  // namespace pantau::query
