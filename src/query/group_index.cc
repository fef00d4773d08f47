#include "query/group_index.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace pantau::query {
namespace {

struct HashKey {
  unsigned char bytes[crypto_shorthash_KEYBYTES];
  HashKey() {
    // sodium_init is idempotent and thread-safe; it fails only when no randomness is available.
    if (sodium_init() < 0) std::abort();
    crypto_shorthash_keygen(bytes);
  }
};

}  // namespace

uint32_t GroupIndex::Hash(std::string_view key) {
  static const HashKey kKey;
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(key.data()), key.size(), kKey.bytes);
  uint64_t h = 0;
  std::memcpy(&h, out, sizeof h);
  return static_cast<uint32_t>(h ^ (h >> 32));
}

}  // namespace pantau::query
