// Small pieces every credential needs: random tokens, their stored form, and comparing secrets
// without leaking through timing. REQUIRES: sodium_init() has run (ApiKeys::Open, Users::Open).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pantau {

// `bytes` random bytes (libsodium's CSPRNG), as lowercase hex.
std::string RandomHex(size_t bytes);
// The lowercase hex SHA-256 of `s`: how tokens, keys and recovery codes are stored.
std::string Sha256Hex(std::string_view s);
// Equal and not empty, compared in constant time.
bool SameSecret(std::string_view a, std::string_view b);

}  // namespace pantau
