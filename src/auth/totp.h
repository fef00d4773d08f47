// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the second
// factor authenticator apps speak, with what enrolment needs: a secret in base32, its otpauth://
// URI, and that URI as a QR code (SVG).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace pantau {

// 160 random bits in base32 (RFC 4648, no padding), as authenticator apps take them.
std::string NewTotpSecret();
Result<std::vector<uint8_t>> Base32Decode(std::string_view text);

// The code of 30-second step `step` (Unix time / 30) for `key`, with `digits` digits.
uint32_t TotpCode(const std::vector<uint8_t>& key, int64_t step, int digits = 6);
// The step whose code `code` is, within one step of `now` either way and after `after` (so a
// code is used once); nullopt when none.
std::optional<int64_t> MatchTotp(std::string_view secret, std::string_view code, TimeNs now,
                                 int64_t after);

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER
std::string OtpAuthUri(std::string_view issuer, std::string_view account, std::string_view secret);
// A QR code of `text` as a self-contained SVG document.
Result<std::string> QrSvg(std::string_view text);

}  // namespace pantau
