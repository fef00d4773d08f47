// FNV-1a, 64 bits: a small hash with a fixed definition, for ids and keys that must be the same
// in every run and on every machine (std::hash promises neither). Not for anything an attacker
// could exploit by choosing colliding inputs where a collision matters more than a slowdown.
//
// Thread-safety: pure.
#pragma once

#include <cstdint>
#include <string_view>

namespace pantau {

inline constexpr uint64_t kFnv1aBasis = 14695981039346656037ull;

// `hash` continues an earlier hash (or salts one).
constexpr uint64_t Fnv1a64(std::string_view text, uint64_t hash = kFnv1aBasis) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace pantau
