#include "store/sqlite/functions.h"

#include <arpa/inet.h>
#include <sqlite3.h>

#include <charconv>
#include <cstring>
#include <string>
#include <string_view>

#include "store/sqlite/schema.h"

namespace pantau::sqlite {
namespace {

struct Address {
  int family = 0;  // AF_INET or AF_INET6
  unsigned char bytes[16] = {};
};

bool ParseAddress(std::string_view text, Address& out) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return false;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (inet_pton(AF_INET, buf, out.bytes) == 1) {
    out.family = AF_INET;
    return true;
  }
  if (inet_pton(AF_INET6, buf, out.bytes) == 1) {
    out.family = AF_INET6;
    return true;
  }
  return false;
}

// pantau_cidr(ip, "net/bits")
void Cidr(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* ip = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const auto* net = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  if (ip == nullptr || net == nullptr) return sqlite3_result_int(ctx, 0);
  const std::string_view network(net);
  const size_t slash = network.find('/');
  Address a, n;
  unsigned bits = 0;
  const std::string_view bits_text =
      network.substr(slash == std::string_view::npos ? 0 : slash + 1);
  if (slash == std::string_view::npos || !ParseAddress(ip, a) ||
      !ParseAddress(network.substr(0, slash), n) ||
      std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits).ec !=
          std::errc() ||
      a.family != n.family || bits > (a.family == AF_INET ? 32u : 128u)) {
    return sqlite3_result_int(ctx, 0);
  }
  for (unsigned i = 0; i < bits; ++i) {
    const unsigned mask = 0x80u >> (i % 8);
    if ((a.bytes[i / 8] & mask) != (n.bytes[i / 8] & mask)) return sqlite3_result_int(ctx, 0);
  }
  sqlite3_result_int(ctx, 1);
}

}  // namespace

int RegisterFunctions(sqlite3* db) {
  const std::string name(kCidrFunction);
  return sqlite3_create_function_v2(db, name.c_str(), 2,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                    Cidr, nullptr, nullptr, nullptr);
}

}  // namespace pantau::sqlite
