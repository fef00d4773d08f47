#include "auth/totp.h"

#include <fmt/format.h>
#include <openssl/hmac.h>
#include <qrencode.h>
#include <sodium.h>

#include <memory>

namespace pantau {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr int64_t kStepSeconds = 30;

std::string UriEscape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) || c == '-' || c == '_' || c == '.') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", b);
    }
  }
  return out;
}

}  // namespace

std::string NewTotpSecret() {
  uint8_t bytes[20];
  randombytes_buf(bytes, sizeof bytes);
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (const uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
  return out;
}

Result<std::vector<uint8_t>> Base32Decode(std::string_view text) {
  std::vector<uint8_t> out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const size_t v = kBase32.find(c);
    if (v == std::string_view::npos) return InvalidArgument("not a base32 secret");
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<uint8_t>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

uint32_t TotpCode(const std::vector<uint8_t>& key, int64_t step, int digits) {
  uint8_t counter[8];
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<uint8_t>(step & 0xFF);
    step >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), counter, sizeof counter, mac,
       &mac_len);
  const int offset = mac[mac_len - 1] & 0x0F;
  const uint32_t binary = ((mac[offset] & 0x7Fu) << 24) | (mac[offset + 1] << 16) |
                          (mac[offset + 2] << 8) | mac[offset + 3];
  uint32_t modulo = 1;
  for (int i = 0; i < digits; ++i) modulo *= 10;
  return binary % modulo;
}

std::optional<int64_t> MatchTotp(std::string_view secret, std::string_view code, TimeNs now,
                                 int64_t after) {
  if (code.size() != 6) return std::nullopt;
  uint32_t given = 0;
  for (const char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
    given = given * 10 + static_cast<uint32_t>(c - '0');
  }
  auto key = Base32Decode(secret);
  if (!key.ok() || key->empty()) return std::nullopt;
  const int64_t step = now / 1'000'000'000 / kStepSeconds;
  for (int64_t s = step - 1; s <= step + 1; ++s) {
    if (s > after && TotpCode(*key, s) == given) return s;
  }
  return std::nullopt;
}

std::string OtpAuthUri(std::string_view issuer, std::string_view account, std::string_view secret) {
  return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
                     UriEscape(issuer), UriEscape(account), secret, UriEscape(issuer));
}

Result<std::string> QrSvg(std::string_view text) {
  const std::string s(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString(s.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
  if (!qr) return Internal("cannot make a QR code of the enrolment URI");
  const int n = qr->width;
  const int margin = 4;
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {0}" shape-rendering="crispEdges">)"
      R"(<rect width="{0}" height="{0}" fill="#fff"/><path fill="#000" d=")",
      n + 2 * margin);
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      if (qr->data[y * n + x] & 1) svg += fmt::format("M{} {}h1v1h-1z", x + margin, y + margin);
    }
  }
  return svg + R"("/></svg>)";
}

}  // namespace pantau
