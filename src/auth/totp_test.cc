#include "auth/totp.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace pantau {
namespace {

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(TotpTest, Rfc6238Vectors) {
  // RFC 6238, appendix B, SHA1 with the key "12345678901234567890", 8 digits.
  const auto key = Bytes("12345678901234567890");
  EXPECT_EQ(TotpCode(key, 59 / 30, 8), 94287082u);
  EXPECT_EQ(TotpCode(key, 1111111109 / 30, 8), 7081804u);
  EXPECT_EQ(TotpCode(key, 1111111111 / 30, 8), 14050471u);
  EXPECT_EQ(TotpCode(key, 1234567890 / 30, 8), 89005924u);
  EXPECT_EQ(TotpCode(key, 2000000000 / 30, 8), 69279037u);
  EXPECT_EQ(TotpCode(key, 20000000000 / 30, 8), 65353130u);
  EXPECT_EQ(TotpCode(key, 59 / 30), 287082u);  // 6 digits: the last six
}

TEST(TotpTest, Base32RoundTripAndMatching) {
  // "12345678901234567890" in base32 (RFC 4648).
  const std::string secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  EXPECT_EQ(*Base32Decode(secret), Bytes("12345678901234567890"));
  EXPECT_FALSE(Base32Decode("not base32!").ok());
  EXPECT_EQ(NewTotpSecret().size(), 32u);
  const TimeNs now = 1111111111LL * 1'000'000'000;
  const int64_t step = 1111111111 / 30;
  const auto key = Bytes("12345678901234567890");
  auto six = [&](int64_t s) { return fmt::format("{:06}", TotpCode(key, s)); };
  EXPECT_EQ(MatchTotp(secret, six(step), now, 0), step);
  EXPECT_EQ(MatchTotp(secret, six(step - 1), now, 0), step - 1);  // a step late: still fine
  EXPECT_EQ(MatchTotp(secret, six(step - 2), now, 0), std::nullopt);
  EXPECT_EQ(MatchTotp(secret, six(step), now, step), std::nullopt);  // used already
  EXPECT_EQ(MatchTotp(secret, "12345", now, 0), std::nullopt);
  EXPECT_EQ(MatchTotp(secret, "abcdef", now, 0), std::nullopt);
}

TEST(TotpTest, EnrolmentUriAndQrCode) {
  EXPECT_EQ(
      OtpAuthUri("Pantau", "budi", "ABC"),
      "otpauth://totp/Pantau:budi?secret=ABC&issuer=Pantau&algorithm=SHA1&digits=6&period=30");
  auto svg = QrSvg(OtpAuthUri("Pantau", "budi", "ABC"));
  ASSERT_TRUE(svg.ok());
  EXPECT_TRUE(svg->starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_NE(svg->find("h1v1h-1z"), std::string::npos);
}

}  // namespace
}  // namespace pantau
